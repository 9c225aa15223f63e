using Hass.Abstractions;

namespace Hass.TestPlugins;

/// <summary>Creates a <see cref="MisbehavingStrategy"/> that breaks the ask/tell contract in the way its name says.</summary>
public sealed class MisbehavingStrategyFactory(string name, MisbehavingStrategy.Fault fault) : ISearchStrategyFactory
{
    public string Name => name;
    public string Description => "Test-only strategy that misbehaves: " + name;
    public ISearchStrategy Create() => new MisbehavingStrategy(fault);

    public static IEnumerable<MisbehavingStrategyFactory> All() =>
    [
        new("outside-space", MisbehavingStrategy.Fault.OutsideSpace),
        new("repeats-numbers", MisbehavingStrategy.Fault.RepeatsNumbers),
        new("throws-in-ask", MisbehavingStrategy.Fault.ThrowsInAsk),
        new("throws-in-tell", MisbehavingStrategy.Fault.ThrowsInTell),
    ];
}

/// <summary>Uniform random points (seeded), then the fault: from the third Ask or the second Tell on.</summary>
public sealed class MisbehavingStrategy(MisbehavingStrategy.Fault fault) : ISearchStrategy
{
    public enum Fault { OutsideSpace, RepeatsNumbers, ThrowsInAsk, ThrowsInTell }

    private SearchSpace _space = new([]);
    private Random _random = new(0);
    private int _asked, _told;

    public void Initialize(StrategyContext context)
    {
        _space = context.Space;
        _random = new Random(context.Seed);
    }

    public void Enqueue(ParameterSet parameters, string origin) { }

    public TrialSuggestion Ask()
    {
        var number = _asked++;
        if (fault == Fault.ThrowsInAsk && number >= 2) throw new InvalidOperationException("the test strategy lost its state (by design)");
        var outside = fault == Fault.OutsideSpace && number >= 2;
        var values = _space.Dimensions.ToDictionary(d => d.Name, d => outside ? d.High + 1 : d.Low + _random.NextDouble() * (d.High - d.Low));
        return new TrialSuggestion(fault == Fault.RepeatsNumbers ? 0 : number, new ParameterSet(values), "random");
    }

    public void Tell(TrialOutcome outcome)
    {
        if (fault == Fault.ThrowsInTell && ++_told >= 2) throw new ArgumentException("the test strategy cannot take this outcome (by design)");
        while (_asked <= outcome.Number) Ask();
    }
}
