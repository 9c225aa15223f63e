using Hass.Abstractions;

namespace Hass.TestPlugins;

public sealed class SeededRandomFactory : ISearchStrategyFactory
{
    public string Name => "seeded-random";
    public string Description => "Test-only uniform random sampling with a fixed seed";
    public ISearchStrategy Create() => new SeededRandom();
}

/// <summary>The same sampler declared multi-objective, to drive the engine's (accuracy, throughput) mode.</summary>
public sealed class SeededRandomMultiFactory : ISearchStrategyFactory
{
    public string Name => "seeded-random-mo";
    public string Description => "Test-only uniform random sampling, multi-objective";
    public bool MultiObjective => true;
    public ISearchStrategy Create() => new SeededRandom();
}

/// <summary>Enqueued points first, then uniform samples; the i-th Ask depends only on the seed, the queue and i.</summary>
public sealed class SeededRandom : ISearchStrategy
{
    private Random _random = new(0);
    private SearchSpace _space = new([]);
    private readonly Queue<(ParameterSet, string)> _queue = new();
    private int _asked;

    public void Initialize(StrategyContext context)
    {
        _space = context.Space;
        _random = new Random(context.Seed);
        _queue.Clear();
        _asked = 0;
    }

    public void Enqueue(ParameterSet parameters, string origin) => _queue.Enqueue((parameters, origin));

    public TrialSuggestion Ask()
    {
        var number = _asked++;
        if (_queue.TryDequeue(out var queued)) return new TrialSuggestion(number, queued.Item1, queued.Item2);
        var values = _space.Dimensions.ToDictionary(d => d.Name, d => Math.Round(d.Low + _random.NextDouble() * (d.High - d.Low), 4));
        return new TrialSuggestion(number, new ParameterSet(values), "random");
    }

    /// <summary>A resume tells stored outcomes to a fresh instance: it asks up to the told number first (the SDK's replay rule).</summary>
    public void Tell(TrialOutcome outcome)
    {
        while (_asked <= outcome.Number) Ask();
    }
}
