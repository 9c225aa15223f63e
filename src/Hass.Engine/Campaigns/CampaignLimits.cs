namespace Hass.Engine.Campaigns;

/// <summary>
/// The ranges of the campaign fields that command-line overrides can also set: one rule for the file and for
/// `hass run --seed/--trials/--wall-time`, checked on the campaign after the overrides are applied.
/// </summary>
public static class CampaignLimits
{
    /// <summary>A campaign file is at most this big (the largest shipped one is under 2 KiB).</summary>
    public const int MaxFileBytes = 1 << 20;
    public const int MinSeed = 0, MaxSeed = int.MaxValue;
    public const int MinTrials = 1, MaxTrials = 1_000_000;
    /// <summary>Trials in flight at once: each needs its own evaluator (a loaded model and data).</summary>
    public const int MinParallelism = 1, MaxParallelism = 64;
    /// <summary>The longest wall-time budget: a year.</summary>
    public static readonly TimeSpan MaxWallTime = TimeSpan.FromDays(366);

    /// <summary>Range problems of the fields overrides can set, each named by its JSON path and its option when it came from one.</summary>
    public static IEnumerable<string> Check(CampaignSpec spec, CampaignOverrides? overrides)
    {
        static string From(object? fromOption, string option) => fromOption is null ? "" : $"; set by {option}";
        if (spec.Seed is < MinSeed or > MaxSeed)
            yield return $"seed: must be in [{MinSeed}, {MaxSeed}] (got {spec.Seed}){From(overrides?.Seed, "--seed")}";
        if (spec.Budget.Trials is < MinTrials or > MaxTrials)
            yield return $"budget.trials: must be in [{MinTrials}, {MaxTrials}] (got {spec.Budget.Trials}){From(overrides?.Trials, "--trials")}";
        if (spec.Budget.WallTime is { } wall && (wall <= TimeSpan.Zero || wall > MaxWallTime))
            yield return $"budget.wallTime: must be more than 0 s and at most {MaxWallTime.TotalDays:F0} days (got {wall}){From(overrides?.WallTime, "--wall-time")}";
        if (spec.Parallelism is < MinParallelism or > MaxParallelism)
            yield return $"parallelism: must be in [{MinParallelism}, {MaxParallelism}] (got {spec.Parallelism}){From(overrides?.Parallelism, "--parallelism")}";
        if (spec.Budget.Trials is null && spec.Budget.WallTime is null)
            yield return "budget: give budget.trials and/or budget.wallTime (or --trials / --wall-time)";
    }
}
