using Hass.Abstractions;
namespace Hass.Search.Tests;
public class ScratchTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly HassLikeProblem TenDims = new(layers: 5);
    [Fact]
    public void Scratch()
    {
        const string Settings = """{"sweepDepth": 2, "rayDepth": 5}""";
        var strategy = Driver.Create("sensitivity", TenDims.Space, 0, 60, Settings);
        var inFlight = new List<TrialSuggestion>(); var asked = 0;
        while (true)
        {
            while (asked < 60 && inFlight.Count < 2 && strategy.CanAsk) { var s = strategy.Ask(); asked++; inFlight.Add(s); output.WriteLine($"ask {s.Number} {s.Origin} {s.Parameters.QuantisedKey(3)}"); }
            if (inFlight.Count == 0) break;
            if (asked < 60 && inFlight.Count < 2) output.WriteLine("IDLE");
            var next = inFlight[0]; inFlight.Remove(next);
            var o = TenDims.Outcome(next.Number, next.Parameters);
            output.WriteLine($"tell {next.Number} cv={o.ConstraintViolation:F2}");
            strategy.Tell(o);
            if (asked > 40) break;
        }
        var original = Driver.Create("sensitivity", TenDims.Space, 4, 60, Settings);
        var stored = Driver.Run(original, TenDims.Outcome, 25, parallel: 2, reverseTells: true);
        foreach (var s in stored) output.WriteLine($"O {s.Suggestion.Number} {s.Suggestion.Origin} cv={s.Outcome.ConstraintViolation:F2} {s.Suggestion.Parameters.QuantisedKey(3)}");
        var resumed = Driver.Create("sensitivity", TenDims.Space, 4, 60, Settings);
        foreach (var s in stored.OrderBy(s => s.Outcome.Number)) resumed.Tell(s.Outcome);
        foreach (var s in Driver.Run(resumed, TenDims.Outcome, 3)) output.WriteLine($"R {s.Suggestion.Number} {s.Suggestion.Origin} {s.Suggestion.Parameters.QuantisedKey(3)}");
        foreach (var s in Driver.Run(original, TenDims.Outcome, 3)) output.WriteLine($"O2 {s.Suggestion.Number} {s.Suggestion.Origin} {s.Suggestion.Parameters.QuantisedKey(3)}");
    }
}
