using System.Text.RegularExpressions;

namespace Hass.Dashboard.Tests;

/// <summary>What the dashboard tests add to <see cref="HassProcess"/>: synthetic campaigns of a given length, the printed dashboard URL, Ctrl-C.</summary>
public static partial class HassCli
{
    /// <summary>
    /// A budget no test reaches: a test that interrupts a running campaign (and expects exit 130) must not race its end, which
    /// on a loaded machine came first with budgets of 200–500 trials.
    /// </summary>
    public const int UnfinishedTrials = 1_000_000;

    /// <summary>The synthetic campaign with <paramref name="trials"/> trials of <paramref name="delayMs"/> each, written into <paramref name="dir"/>.</summary>
    public static string Campaign(string dir, string name, int trials, int delayMs)
    {
        var path = Path.Combine(dir, name + ".json");
        File.WriteAllText(path, File.ReadAllText(HassProcess.SyntheticCampaign)
            .Replace("\"delayMs\": 0", $"\"delayMs\": {delayMs}")
            .Replace("\"trials\": 20", $"\"trials\": {trials}")
            .Replace("\"name\": \"synthetic\"", $"\"name\": \"{name}\""));
        return path;
    }

    [GeneratedRegex(@"dashboard.* at (http://\S+/)")]
    private static partial Regex DashboardUrl();

    /// <summary>The URL the dashboard printed once it listened (bounded wait).</summary>
    public static Uri WaitForDashboard(this HassProcess hass, TimeSpan timeout) =>
        hass.WaitForOutput(DashboardUrl(), timeout) is { Success: true } m
            ? new Uri(m.Groups[1].Value)
            : throw new TimeoutException($"no dashboard URL from hass: {hass.Out}\n{hass.Err}");

    /// <summary>Ctrl-C.</summary>
    public static void Interrupt(this HassProcess hass) => hass.Signal("INT");
}
