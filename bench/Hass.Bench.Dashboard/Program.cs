// Trials per minute of the synthetic campaign with and without the live dashboard (a browser page open on it),
// and how long the page takes to load and re-render a large store. Prints markdown for bench/results/dashboard.md.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Hass.Dashboard.Tests;
using PuppeteerSharp;

var trialsOption = new Option<int>("--trials") { Description = "Trials per campaign run", DefaultValueFactory = _ => 300 };
var repsOption = new Option<int>("--reps") { Description = "Runs of each kind (alternating)", DefaultValueFactory = _ => 3 };
var largeOption = new Option<string?>("--large-store") { Description = "A store whose campaign page load and render time is measured" };
var largeNameOption = new Option<string>("--large-campaign") { Description = "The campaign of --large-store", DefaultValueFactory = _ => "large" };
var root = new RootCommand("Dashboard benchmark: trials/min with and without the live dashboard, and page times of a large store");
foreach (var o in new Option[] { trialsOption, repsOption, largeOption, largeNameOption }) root.Options.Add(o);
root.SetAction(async (parse, _) =>
{
    var trials = parse.GetValue(trialsOption);
    Console.WriteLine($"| run | dashboard | trials | elapsed s | trials/min |\n|---|---|---|---|---|");
    var modes = new[] { Mode.Off, Mode.Live, Mode.LiveWithPage };
    var rates = modes.ToDictionary(m => m, _ => new List<double>());
    for (var rep = 1; rep <= parse.GetValue(repsOption); rep++)
        foreach (var mode in modes)
        {
            var (elapsed, rate) = await Bench.RunCampaignAsync(trials, mode);
            rates[mode].Add(rate);
            Console.WriteLine(FormattableString.Invariant($"| {rep} | {mode} | {trials} | {elapsed:F1} | {rate:F1} |"));
        }
    var off = Bench.Median(rates[Mode.Off]);
    foreach (var mode in modes)
        Console.WriteLine(FormattableString.Invariant($"median trials/min {mode}: {Bench.Median(rates[mode]):F1} ({Bench.Median(rates[mode]) / off:F3} of off)"));
    if (parse.GetValue(largeOption) is { } large) await Bench.PageTimesAsync(large, parse.GetValue(largeNameOption)!);
    return 0;
});
return await root.Parse(args).InvokeAsync();

internal enum Mode { Off, Live, LiveWithPage }

internal static class Bench
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(30);

    public static double Median(List<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    /// <summary>One `hass run` of the synthetic campaign; the rate is the store's trials over the campaign's own elapsed time.</summary>
    public static async Task<(double Elapsed, double Rate)> RunCampaignAsync(int trials, Mode mode)
    {
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        string[] args = ["run", HassCli.Campaign(dir, "bench", trials, delayMs: 0), .. HassProcess.Common(store)];
        using var run = HassProcess.Start(mode == Mode.Off ? args : [.. args, "--dashboard", "127.0.0.1:0"]);
        IBrowser? browser = null;
        if (mode == Mode.LiveWithPage)
        {
            var url = run.WaitForDashboard(Long);
            run.WaitForOutput("trial 1/", Long);
            browser = await LaunchAsync();
            var page = await browser.NewPageAsync();
            await page.GoToAsync(new Uri(url, "#/c/bench").ToString());
        }
        var code = run.WaitForExit(Long);
        if (browser is not null) await browser.DisposeAsync();
        if (code != 0) throw new InvalidOperationException($"hass run exited {code}: {run.Err}");
        // hass run writes reports/<campaign>/ in its working folder (this one) at the end of a campaign with a final phase.
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(Environment.CurrentDirectory, "reports", "bench", "report.json")))!;
        var elapsed = (double)report["elapsedSeconds"]!;
        Directory.Delete(Path.Combine(Environment.CurrentDirectory, "reports", "bench"), recursive: true);
        return (elapsed, (int)report["trials"]! / elapsed * 60);
    }

    public static Task<IBrowser> LaunchAsync() => Puppeteer.LaunchAsync(new LaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium", Headless = true, UserDataDir = HassProcess.TempDir(),
        Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });

    /// <summary>`hass dashboard` on a large store: time to the first rendered campaign page, one full re-render, one sort.</summary>
    public static async Task PageTimesAsync(string store, string campaign)
    {
        using var dashboard = HassProcess.Start(["dashboard", "--address", "127.0.0.1:0", "--store", store]);
        var url = dashboard.WaitForDashboard(Long);
        await using var browser = await LaunchAsync();
        await using var page = await browser.NewPageAsync();
        var watch = Stopwatch.StartNew();
        await page.GoToAsync(new Uri(url, $"#/c/{campaign}").ToString());
        await page.WaitForFunctionAsync("() => window.hassDashboard.view === 'campaign' && window.hassDashboard.renders > 0", new WaitForFunctionOptions { Timeout = 600_000 });
        var load = watch.Elapsed.TotalMilliseconds;
        var count = await page.EvaluateExpressionAsync<int>("window.hassDashboard.trialCount()");
        var render = await page.EvaluateExpressionAsync<double>("(() => { const t = performance.now(); renderCampaign(); return performance.now() - t; })()");
        var sort = await page.EvaluateExpressionAsync<double>("(() => { const t = performance.now(); document.querySelector('#trials th[data-key=throughput]').click(); return performance.now() - t; })()");
        Console.WriteLine(FormattableString.Invariant($"\nlarge store: {count} trials; page load to first render {load:F0} ms; full re-render (cards, charts, table page) {render:F0} ms; sort by throughput {sort:F0} ms"));
        dashboard.Interrupt();
        dashboard.WaitForExit(Long);
    }
}
