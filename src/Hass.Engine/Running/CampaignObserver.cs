using Hass.Abstractions;
using Hass.Engine.Storage;

namespace Hass.Engine.Running;

/// <summary>Where a campaign is: trials done of the budget, elapsed time, best feasible so far.</summary>
public sealed record CampaignProgress
{
    public required string Campaign { get; init; }
    public int Done { get; init; }
    public int? Budget { get; init; }
    public TimeSpan Elapsed { get; init; }
    public TimeSpan? WallTime { get; init; }
    public TrialRecord? Best { get; init; }
    public string BestLabel { get; init; } = "";
    public int EvaluationCacheHits { get; init; }
    public int DesignCacheHits { get; init; }

    /// <summary>Estimated time left from the mean time per trial of this session.</summary>
    public TimeSpan? Eta { get; init; }
}

/// <summary>Receives what the runner does (console output, logs, tests).</summary>
public interface ICampaignObserver
{
    void Info(string message);
    void Warning(string message);
    void TrialStarted(int number, ParameterSet parameters, CampaignProgress progress);
    void TrialFinished(TrialRecord trial, CampaignProgress progress);
}

public sealed class NullCampaignObserver : ICampaignObserver
{
    public static NullCampaignObserver Instance { get; } = new();
    public void Info(string message) { }
    public void Warning(string message) { }
    public void TrialStarted(int number, ParameterSet parameters, CampaignProgress progress) { }
    public void TrialFinished(TrialRecord trial, CampaignProgress progress) { }
}

/// <summary>How a run of the campaign ended.</summary>
public sealed record CampaignResult
{
    public required CampaignStatus Status { get; init; }
    public required string Campaign { get; init; }
    public string Message { get; init; } = "";
    public int TrialsRun { get; init; }
    public int TrialsTotal { get; init; }
    public int Resumed { get; init; }
    public TrialRecord? Best { get; init; }
    /// <summary>Measurements the measure section asked for that failed in this run (the trials kept their predictions).</summary>
    public int MeasurementFailures { get; init; }
    /// <summary>The last failed measurement's message, or null.</summary>
    public string? MeasurementError { get; init; }
}
