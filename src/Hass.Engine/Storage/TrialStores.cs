using Hass.Abstractions;

namespace Hass.Engine.Storage;

/// <summary>Where a study keeps its trials: written by one writer (the study), read back whole on resume.</summary>
public interface ITrialStore
{
    /// <summary>The campaign's trials in number order.</summary>
    IReadOnlyList<TrialRecord> Trials(string campaign);

    /// <summary>Writes (or replaces) a trial durably: once it returns, the trial survives a kill.</summary>
    void SaveTrial(TrialRecord trial);
}

/// <summary>The trials of the LiteDB store (<see cref="HassStore"/>): every save is a checkpoint.</summary>
public sealed class LiteDbTrialStore(HassStore store) : ITrialStore
{
    public IReadOnlyList<TrialRecord> Trials(string campaign) => store.Trials(campaign);
    public void SaveTrial(TrialRecord trial) => store.SaveTrial(trial);
}

/// <summary>Trials in memory (tests, benchmarks, throw-away studies): nothing survives the process.</summary>
public sealed class InMemoryTrialStore : ITrialStore
{
    private readonly Dictionary<(string Campaign, int Number), TrialRecord> _trials = [];
    private readonly object _gate = new();

    public IReadOnlyList<TrialRecord> Trials(string campaign)
    {
        lock (_gate) return _trials.Values.Where(t => t.Campaign == campaign).OrderBy(t => t.Number).ToList();
    }

    public void SaveTrial(TrialRecord trial)
    {
        lock (_gate) _trials[(trial.Campaign, trial.Number)] = trial;
    }
}
