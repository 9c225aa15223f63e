using Hass.Engine.Running;
using Hass.Engine.Storage;
using PuppeteerSharp;

namespace Hass.Dashboard.Tests;

/// <summary>The pages in a real headless Chromium: live updates, the Pareto chart's data, a trial's design.</summary>
public class BrowserTests(FinishedStore fixture) : IClassFixture<FinishedStore>
{
    private const string Ready = "() => window.hassDashboard && window.hassDashboard.view === 'campaign' && window.hassDashboard.renders > 0";

    [Fact]
    public async Task The_live_dashboard_of_a_running_campaign_shows_the_trial_count_increasing()
    {
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        using var run = HassProcess.Start(["run", HassCli.Campaign(dir, "live", trials: HassCli.UnfinishedTrials, delayMs: 150), "--dashboard", "127.0.0.1:0", .. HassProcess.Common(store)]);
        var url = run.WaitForDashboard(TimeSpan.FromMinutes(2));
        Assert.True(run.WaitForOutput("trial 1/", TimeSpan.FromMinutes(2)), run.Out + run.Err);
        await using var browser = await Browser.LaunchAsync();
        await using var page = await Browser.OpenAsync(browser, new Uri(url, "#/c/live"));
        await page.WaitForFunctionAsync(Ready);
        var first = await page.EvaluateExpressionAsync<int>("window.hassDashboard.trialCount()");
        var rendersBefore = await page.EvaluateExpressionAsync<int>("window.hassDashboard.renders");
        var apiRequests = 0;
        page.Request += (_, e) => { if (e.Request.Url.Contains("/api/v1/campaigns", StringComparison.Ordinal)) Interlocked.Increment(ref apiRequests); };
        // Pushed by the event stream: the page is not reloaded and asks for nothing in between.
        await page.WaitForFunctionAsync($"() => Number(document.getElementById('trial-count').textContent) >= {first + 5} && window.hassDashboard.renders > {rendersBefore}");
        await page.WaitForFunctionAsync("() => document.getElementById('live').textContent === 'live'");
        var shown = await page.EvaluateExpressionAsync<int>("Number(document.getElementById('trial-count').textContent)");
        var counted = await page.EvaluateExpressionAsync<int>("[...window.hassDashboard.trials.values()].filter(t => t.state !== 'Abandoned').length");
        Assert.True(shown >= first + 5 && shown <= counted, $"shown {shown}, first {first}, counted {counted}");
        Assert.Equal(0, Volatile.Read(ref apiRequests));
        // Saves that came while the page loaded its snapshot were applied too: only the trial in flight is running.
        Assert.True(await page.EvaluateExpressionAsync<int>("[...window.hassDashboard.trials.values()].filter(t => t.state === 'Running').length") <= 1);
        await Browser.ScreenshotAsync(page, "live");

        run.Interrupt();
        Assert.Equal(130, run.WaitForExit(TimeSpan.FromMinutes(2)));
        using var s = HassStore.Open(store, StoreAccess.Read);
        Assert.True(s.TrialCount("live") >= first + 5);
    }

    [Fact]
    public async Task The_pareto_chart_has_the_stores_pareto_front_and_the_tolerance_line()
    {
        var trials = fixture.Store.Trials(FinishedStore.Campaign);
        var campaign = fixture.Store.GetCampaign(FinishedStore.Campaign)!;
        await using var browser = await Browser.LaunchAsync();
        await using var page = await Browser.OpenAsync(browser, new Uri(fixture.Url, $"#/c/{FinishedStore.Campaign}"));
        await page.WaitForFunctionAsync(Ready);

        Assert.Equal(Objective.ParetoFront(trials).Select(t => t.Number), await page.EvaluateExpressionAsync<int[]>("window.hassDashboard.paretoNumbers()"));
        var feasible = await page.EvaluateExpressionAsync<int[]>("window.hassDashboard.charts.accuracy.data.datasets.find(d => d.label === 'feasible').data.map(p => p.trial)");
        Assert.Equal(trials.Where(t => t.Feasible && t.Design is not null).Select(t => t.Number).Order(), feasible.Order());
        var tolerance = await page.EvaluateExpressionAsync<double[]>("window.hassDashboard.charts.accuracy.data.datasets.find(d => d.label.startsWith('tolerance')).data.map(p => p.y)");
        Assert.All(tolerance, y => Assert.Equal(campaign.BaselineTop1!.Value - campaign.Spec.Objective.ToleranceTop1, y, 9));
        Assert.Equal(FinishedStore.Trials, await page.EvaluateExpressionAsync<int>("document.querySelectorAll('#trials tbody tr').length"));
        // Under the final table, each row's note as the CLI prints it (what binds a ceiling, a pick's headroom and next level).
        var noted = campaign.Final!.Rows.Where(r => r.Note is not null).Select(r => $"{r.Label}: {r.Note}").ToList();
        Assert.NotEmpty(noted);
        Assert.Equal(noted, await page.EvaluateExpressionAsync<string[]>("document.querySelector('#final-notes').innerText.split('\\n')"));
        Assert.Contains(campaign.Final.Rows, r => double.IsNaN(r.TestTop1));   // a ceiling row: no test top-1, shown as a dash
        Assert.DoesNotContain("NaN", await page.EvaluateExpressionAsync<string>("document.querySelector('#final table').textContent"));
        await Browser.ScreenshotAsync(page, "campaign");

        await page.GoToAsync(fixture.Url.ToString());
        await page.WaitForFunctionAsync("() => window.hassDashboard.view === 'campaigns' && document.querySelector('main table')");
        Assert.Contains(FinishedStore.Campaign, await page.EvaluateExpressionAsync<string>("document.querySelector('main table').textContent"));
        await Browser.ScreenshotAsync(page, "campaigns");
    }

    [Fact]
    public async Task A_trials_design_page_shows_its_layers_and_resources()
    {
        var trial = fixture.Store.Trials(FinishedStore.Campaign).Where(t => t.Design is not null).MaxBy(t => t.EffectiveSparsity)!;
        var design = trial.Design!;
        await using var browser = await Browser.LaunchAsync();
        await using var page = await Browser.OpenAsync(browser, new Uri(fixture.Url, $"#/c/{FinishedStore.Campaign}/t/{trial.Number}"));
        await page.WaitForSelectorAsync("#layers tbody tr");

        var layers = await page.EvaluateExpressionAsync<string[]>("[...document.querySelectorAll('#layers tbody tr td:first-child')].map(td => td.textContent)");
        Assert.Equal(design.Layers.Select(l => l.Layer + (l.Layer == design.Performance.BottleneckLayer ? " (bottleneck)" : "")), layers);
        var bars = await page.EvaluateExpressionAsync<string[]>("window.hassDashboard.charts.resources.data.labels");
        Assert.Contains("DSP", bars);
        var dsp = await page.EvaluateExpressionAsync<double>("window.hassDashboard.charts.resources.data.datasets[0].data[0]");
        Assert.Equal(design.Resources.Dsp / 220 * 100, dsp, 6);
        await Browser.ScreenshotAsync(page, "trial");
    }
}
