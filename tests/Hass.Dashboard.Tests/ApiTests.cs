using System.Net;
using System.Text.Json.Nodes;
using Hass.Abstractions;
using Hass.Engine.Reports;
using Hass.Engine.Running;
using Hass.Engine.Storage;

namespace Hass.Dashboard.Tests;

/// <summary>The JSON API checked against the store a real `hass run` wrote.</summary>
public class ApiTests(FinishedStore fixture) : IClassFixture<FinishedStore>
{
    private const string Name = FinishedStore.Campaign;
    private readonly HttpClient _http = new() { BaseAddress = fixture.Url };

    private async Task<JsonNode> Get(string path)
    {
        using var response = await _http.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType!.ToString());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task Campaigns_list_has_the_counts_best_trial_and_pareto_set_of_the_store()
    {
        var campaign = fixture.Store.GetCampaign(Name)!;
        var trials = fixture.Store.Trials(Name);
        var best = new Objective(campaign.Spec.Objective).Best(trials)!;
        var list = (await Get("api/v1/campaigns")).AsArray();
        var row = Assert.Single(list)!;
        Assert.Equal(Name, (string)row["campaign"]!["name"]!);
        Assert.Equal("Complete", (string)row["campaign"]!["status"]!);
        Assert.Equal(FinishedStore.Trials, (int)row["trials"]!);
        Assert.Equal(trials.Count(t => t.State == TrialState.Complete && t.Feasible), (int)row["feasible"]!);
        Assert.Equal(best.Number, (int)row["bestTrial"]!);
        Assert.Equal(Objective.Throughput(best), (double)row["bestThroughput"]!);
        Assert.Equal(Objective.ParetoFront(trials).Select(t => t.Number), row["pareto"]!.AsArray().Select(n => (int)n!));
        Assert.Equal(0, (double)row["etaSeconds"]!);
        Assert.True((double)row["trialsPerMinute"]! > 0);
    }

    [Fact]
    public async Task Campaign_detail_has_the_calibration_and_measurements()
    {
        var detail = await Get($"api/v1/campaigns/{Name}");
        Assert.Equal(Name, (string)detail["summary"]!["campaign"]!["name"]!);
        Assert.Equal("toy", (string)detail["calibration"]!["backend"]!);
        Assert.Equal(1.0, (double)detail["calibration"]!["factor"]!);
        Assert.Empty(detail["measurements"]!.AsArray());
    }

    [Fact]
    public async Task Trials_are_the_stored_trials_row_by_row()
    {
        var stored = fixture.Store.Trials(Name);
        var rows = (await Get($"api/v1/campaigns/{Name}/trials")).AsArray();
        Assert.Equal(stored.Count, rows.Count);
        foreach (var (t, row) in stored.Zip(rows))
        {
            Assert.Equal(t.Number, (int)row!["number"]!);
            Assert.Equal(t.State.ToString(), (string)row["state"]!);
            Assert.Equal(t.Accuracy, (double?)row["accuracy"]);
            Assert.Equal(t.Design is null ? null : Objective.Throughput(t), (double?)row["throughput"]);
            Assert.Equal(t.Feasible, (bool)row["feasible"]!);
            Assert.Equal(t.Timings.Total, (double)row["timings"]!["total"]!);
            Assert.Equal(t.Parameters.Values.Count, row["parameters"]!.AsObject().Count);
        }
    }

    [Fact]
    public async Task One_trial_is_the_stored_record()
    {
        var stored = fixture.Store.Trials(Name)[7];
        var node = await Get($"api/v1/campaigns/{Name}/trials/{stored.Number}");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(HassJson.Serialize(stored)), node));
    }

    [Fact]
    public async Task A_design_has_its_layers_bottleneck_and_resources_against_the_board()
    {
        var trial = fixture.Store.Trials(Name).First(t => t.Design is not null);
        var design = trial.Design!;
        var view = await Get($"api/v1/campaigns/{Name}/trials/{trial.Number}/design");
        var layers = view["layers"]!.AsArray();
        Assert.Equal(design.Layers.Select(l => l.Layer), layers.Select(l => (string)l!["layer"]!));
        Assert.Equal(design.Layers.Select(l => l.Cycles), layers.Select(l => (double)l!["cycles"]!));
        Assert.Equal(design.Performance.BottleneckLayer, (string)layers.Single(l => (bool)l!["bottleneck"]!)!["layer"]!);
        foreach (var l in layers.Where(l => trial.LayerSparsity.ContainsKey((string)l!["layer"]!)))
            Assert.Equal(trial.LayerSparsity[(string)l!["layer"]!], (double)l["sparsity"]!);
        var dsp = view["resources"]!.AsArray().Single(r => (string)r!["resource"]! == "DSP")!;
        Assert.Equal(design.Resources.Dsp, (double)dsp["used"]!);
        Assert.Equal(220, (int)dsp["available"]!);
        Assert.Equal(design.Resources.Dsp / 220, (double)dsp["fraction"]!, 9);
        Assert.Equal(design.DesignHash(), (string)view["designHash"]!);
    }

    [Fact]
    public async Task Csv_download_is_the_report_csv()
    {
        using var response = await _http.GetAsync($"api/v1/campaigns/{Name}/trials.csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/csv", response.Content.Headers.ContentType!.ToString());
        Assert.Equal($"{Name}-trials.csv", response.Content.Headers.ContentDisposition!.FileName!.Trim('"'));
        var campaign = fixture.Store.GetCampaign(Name)!;
        Assert.Equal(CampaignReport.TrialsCsv(fixture.Store.Trials(Name).Select(t => CampaignReport.Summarise(t, campaign.BaselineTop1))),
            await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("api/v1/campaigns/nope")]
    [InlineData("api/v1/campaigns/nope/trials")]
    [InlineData("api/v1/campaigns/nope/trials.csv")]
    [InlineData("api/v1/campaigns/finished/trials/9999")]
    [InlineData("api/v1/campaigns/finished/trials/9999/design")]
    [InlineData("api/v1/no-such-endpoint")]
    public async Task Unknown_things_are_404_with_a_message(string path)
    {
        using var response = await _http.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(string.IsNullOrEmpty((string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]));
    }

    /// <summary>A 404 of the API: its JSON error message.</summary>
    private async Task<string> NotFound(string path)
    {
        using var response = await _http.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
    }

    [Theory]
    [InlineData("+1", "+1")]
    [InlineData("01", "01")]
    [InlineData("00", "00")]
    [InlineData("-1", "-1")]
    [InlineData("-0", "-0")]
    [InlineData("1.0", "1.0")]
    [InlineData("1e0", "1e0")]
    [InlineData("0x1", "0x1")]
    [InlineData("%201", " 1")]
    [InlineData("1%20", "1 ")]
    [InlineData("99999999999", "99999999999")]
    [InlineData("2147483648", "2147483648")]
    [InlineData("one", "one")]
    public async Task A_trial_number_that_is_not_in_its_canonical_form_is_404_naming_the_text(string segment, string text)
    {
        foreach (var suffix in new[] { "", "/design" })
        {
            var error = await NotFound($"api/v1/campaigns/{Name}/trials/{segment}{suffix}");
            Assert.StartsWith($"'{text}' is not a trial number", error);
            Assert.Contains($"/api/v1/campaigns/{Name}/trials/1", error);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9999)]
    [InlineData(int.MaxValue)]
    public async Task A_well_formed_trial_number_that_is_not_stored_is_not_in_the_store_on_both_routes(int number)
    {
        Assert.Null(fixture.Store.GetTrial(Name, number));
        Assert.Equal($"trial {number} of campaign '{Name}' is not in the store", await NotFound($"api/v1/campaigns/{Name}/trials/{number}"));
        Assert.Equal($"trial {number} of campaign '{Name}' is not in the store", await NotFound($"api/v1/campaigns/{Name}/trials/{number}/design"));
    }

    [Fact]
    public async Task A_stored_trial_without_a_design_has_no_design()
    {
        // The finished run designs every trial, so a pruned one is added to a copy of its store.
        var path = Path.Combine(HassProcess.TempDir(), "copy.db");
        File.Copy(fixture.Path, path);
        using (var writable = HassStore.Open(path, StoreAccess.Write))
            writable.SaveTrial(writable.Trials(Name)[^1] with { Number = FinishedStore.Trials + 1, State = TrialState.Pruned, Design = null });
        using var store = HassStore.Open(path, StoreAccess.Read);
        await using var dashboard = FinishedStore.Start(store);
        await dashboard.StartAsync(CancellationToken.None);
        using var http = new HttpClient { BaseAddress = dashboard.Url };
        var number = FinishedStore.Trials + 1;
        using (var trial = await http.GetAsync($"api/v1/campaigns/{Name}/trials/{number}"))
            Assert.Equal(HttpStatusCode.OK, trial.StatusCode);
        using var design = await http.GetAsync($"api/v1/campaigns/{Name}/trials/{number}/design");
        Assert.Equal(HttpStatusCode.NotFound, design.StatusCode);
        Assert.Equal($"trial {number} of campaign '{Name}' has no design (pruned, failed or still running)",
            (string)JsonNode.Parse(await design.Content.ReadAsStringAsync())!["error"]!);
        await dashboard.StopAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData("api/v1/campaigns/nope/trials/1")]
    [InlineData("api/v1/campaigns/nope/trials/1/design")]
    [InlineData("api/v1/campaigns/nope/trials/0/design")]
    public async Task A_trial_of_a_missing_campaign_is_no_campaign(string path) =>
        Assert.Equal("no campaign 'nope' in the store", await NotFound(path));

    [Theory]
    [InlineData("api/v1/campaigns/finished/trials/1/extra", "no API endpoint /api/v1/campaigns/finished/trials/1/extra; see /api/v1/")]
    [InlineData("api/v1/campaigns/finished/trials/01/extra", "no API endpoint /api/v1/campaigns/finished/trials/01/extra; see /api/v1/")]
    [InlineData("api/v1/no-such-endpoint", "no API endpoint /api/v1/no-such-endpoint; see /api/v1/")]
    public async Task An_unknown_route_is_no_api_endpoint(string path, string expected) =>
        Assert.Equal(expected, await NotFound(path));

    [Fact]
    public async Task Pages_and_the_vendored_chart_library_are_served_from_the_assembly()
    {
        Assert.Contains("hass dashboard", await _http.GetStringAsync(""));
        Assert.Contains("Chart.js v4", await _http.GetStringAsync("vendor/chart.umd.min.js"));
        Assert.Contains("hassDashboard", await _http.GetStringAsync("app.js"));
    }

    [Fact]
    public async Task Event_stream_of_a_finished_store_says_hello_not_live()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await _http.GetAsync("api/v1/events", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        Assert.Equal("event: hello", await reader.ReadLineAsync(cancel.Token));
        var data = JsonNode.Parse((await reader.ReadLineAsync(cancel.Token))!["data: ".Length..])!;
        Assert.False((bool)data["live"]!);
    }
}
