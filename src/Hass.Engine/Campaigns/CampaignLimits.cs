namespace Hass.Engine.Campaigns;

/// <summary>
/// The ranges of the campaign fields that command-line overrides can also set: one rule for the file and for
/// `hass run --seed/--trials/--wall-time` (the records' validation attributes use these constants).
/// </summary>
public static class CampaignLimits
{
    /// <summary>A campaign file is at most this big (the largest shipped one is under 2 KiB).</summary>
    public const int MaxFileBytes = 1 << 20;
    public const int MinSeed = 0, MaxSeed = int.MaxValue;
    public const int MinTrials = 1, MaxTrials = 1_000_000;
    /// <summary>The longest wall-time budget: a year.</summary>
    public const int MaxWallTimeDays = 366;
    public static readonly TimeSpan MaxWallTime = TimeSpan.FromDays(MaxWallTimeDays);

    /// <summary>The command-line option that sets a campaign path, for "; set by --seed" in a problem.</summary>
    internal static string? OptionOf(string path, CampaignOverrides? overrides) => path switch
    {
        "$.seed" when overrides?.Seed is not null => "--seed",
        "$.budget.trials" when overrides?.Trials is not null => "--trials",
        "$.budget.wallTime" when overrides?.WallTime is not null => "--wall-time",
        "$.budget" when overrides?.Trials is not null || overrides?.WallTime is not null => "--trials / --wall-time",
        "$.name" when overrides?.Name is not null => "--name",
        "$.board" when overrides?.Board is not null => "--board",
        "$.parallelism" when overrides?.Parallelism is not null => "--parallelism",
        _ => null,
    };
}
