using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Plugins;
using Hass.Engine.Running;
using Hass.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Engine.Tests;

/// <summary>
/// Misbehaving third-party components, loaded through the real catalog from the Hass.TestPlugins.Misbehaving folder (with the
/// synthetic plugin's evaluator and board): what a campaign stores and reports when a backend or a strategy breaks its contract.
/// </summary>
public class PluginFaultTests
{
    internal const string Plugin = "(plugin Hass.TestPlugins.Misbehaving)";

    /// <summary>The synthetic campaign with these components; <paramref name="section"/> (e.g. "\"measure\": {…}") is added to it.</summary>
    internal static CampaignSpec Spec(string backend = "toy", string strategy = "seeded-random", int trials = 8, string evaluator = "synthetic", string? section = null) =>
        CampaignLoader.Parse(File.ReadAllText(TestEnvironment.SyntheticCampaign)
            .Replace("\"name\": \"toy\"", $"\"name\": \"{backend}\"").Replace("\"seeded-random\"", $"\"{strategy}\"")
            .Replace("\"model\": \"synthetic-cnn\",", $"\"model\": \"synthetic-cnn\", \"evaluator\": \"{evaluator}\",")
            .Replace("\"seed\": 7,", section is null ? "\"seed\": 7," : $"\"seed\": 7, {section},"),
            "synthetic.json", new CampaignOverrides { Trials = trials });

    internal static HassComponents Components(ServiceProvider provider) => provider.GetRequiredService<HassComponents>();

    internal static ServiceProvider Load()
    {
        var catalog = new PluginCatalog();
        catalog.LoadFolder(TestEnvironment.TestPlugin("Synthetic"));
        catalog.LoadFolder(TestEnvironment.TestPlugin("Misbehaving"));
        Assert.Empty(catalog.Errors);
        return TestEnvironment.Provider(catalog);
    }

    private static async Task<CampaignResult> Run(string db, CampaignSpec spec)
    {
        using var provider = Load();
        using var store = HassStore.Open(db);
        return await new CampaignSearch(spec, "synthetic.json", store, Components(provider), TestEnvironment.Boards()).RunAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData("nan-throughput", "with a throughput of NaN images/s (it must be a finite number above 0)")]
    [InlineData("infinite-throughput", "with a throughput of Infinity images/s")]
    [InlineData("zero-throughput", "with a throughput of 0 images/s")]
    [InlineData("negative-throughput", "with a throughput of -5 images/s")]
    [InlineData("oversized", "that does not fit board 'toy-board' (DSP 2200 of 220, LUT 532000 of 53200)")]
    [InlineData("null-layers", "whose Layers is null")]
    [InlineData("throws-invalid-operation", "threw InvalidOperationException in Optimize: the test backend's DSE gave up (by design);")]
    [InlineData("throws-null-reference", "threw NullReferenceException in Optimize: Object reference not set to an instance of an object;")]
    public async Task A_backend_that_breaks_its_contract_fails_its_trials_naming_it_and_nothing_it_returned_is_stored(string backend, string what)
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var result = await Run(db, Spec(backend));

        Assert.Equal(CampaignStatus.Failed, result.Status);
        Assert.Contains("5 trials failed in a row", result.Message);
        Assert.Null(result.Best);
        using var store = HassStore.Open(db);
        var trials = store.Trials("synthetic");
        Assert.Equal(5, trials.Count);
        Assert.All(trials, t =>
        {
            Assert.Equal(TrialState.Failed, t.State);
            Assert.Null(t.Design);
            Assert.StartsWith($"backend '{backend}' {Plugin} ", t.Error);
            Assert.Contains(what, t.Error);
            Assert.Empty(t.ObjectiveValues);
        });
    }

    [Theory]
    [InlineData("nan-top1", "returned an evaluation with a top-1 of NaN% (it must be a finite percentage in [0, 100])")]
    [InlineData("infinite-top1", "returned an evaluation with a top-1 of Infinity%")]
    [InlineData("negative-top1", "returned an evaluation with a top-1 of -3%")]
    [InlineData("top1-above-100", "returned an evaluation with a top-1 of 150%")]
    [InlineData("zero-images", "returned an evaluation of 0 images (it must count the images it scored, at least 1)")]
    [InlineData("null-profile", "returned an evaluation without the sparsity profile it was asked for (Profile is null)")]
    [InlineData("nan-profile", "returned an evaluation with a sparsity profile whose layer 'features.0' has a density or sparsity that is not a fraction in [0, 1]")]
    [InlineData("unknown-layer-profile", "returned an evaluation with a sparsity profile naming layer 'features.0.ghost', which is not in the graph of model 'synthetic-cnn'")]
    [InlineData("throws-invalid-operation", "threw InvalidOperationException in Evaluate: the test evaluator lost its data loader (by design);")]
    [InlineData("throws-null-reference", "threw NullReferenceException in Evaluate: Object reference not set to an instance of an object;")]
    [InlineData("throws-argument", "threw ArgumentException in Evaluate: the test evaluator mixed up its tensors (by design);")]
    public async Task An_evaluator_that_breaks_its_contract_fails_its_trials_naming_it_and_nothing_it_returned_is_stored(string evaluator, string what)
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var result = await Run(db, Spec(evaluator: evaluator));

        Assert.Equal(CampaignStatus.Failed, result.Status);
        Assert.Contains("5 trials failed in a row", result.Message);
        using var store = HassStore.Open(db);
        Assert.All(store.Trials("synthetic"), t =>
        {
            Assert.True(t.State == TrialState.Failed && t.Design is null && t.Accuracy is null, $"trial {t.Number}: {t.State}, accuracy {t.Accuracy}");
            Assert.StartsWith($"evaluator '{evaluator}' {Plugin} {what}", t.Error);
        });
        Assert.Equal(5, store.Trials("synthetic").Count);
        Assert.Equal((1, 0, 0), store.CacheSizes()); // the baseline's evaluation only
        Assert.Equal(90.0, store.GetCampaign("synthetic")!.BaselineTop1);
    }

    [Theory]
    [InlineData("throws-in-create", "threw InvalidOperationException in Create: the test evaluator could not load its model (by design);")]
    [InlineData("nan-baseline", "returned an evaluation with a top-1 of NaN% (it must be a finite percentage in [0, 100]);")]
    public async Task An_evaluator_failing_to_load_or_on_the_baseline_stops_the_run_naming_it_before_anything_is_evaluated(string evaluator, string what)
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var fault = await Assert.ThrowsAsync<PluginFaultException>(() => Run(db, Spec(evaluator: evaluator)));

        Assert.StartsWith($"evaluator '{evaluator}' {Plugin} {what}", fault.Message);
        using var store = HassStore.Open(db);
        Assert.Empty(store.Trials("synthetic"));
        Assert.Equal((0, 0, 0), store.CacheSizes());
        Assert.Null(store.GetCampaign("synthetic")?.BaselineTop1);
    }

    [Fact]
    public async Task A_strategy_asking_outside_its_space_stops_the_campaign_before_the_point_is_stored()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var fault = await Assert.ThrowsAsync<PluginFaultException>(() => Run(db, Spec(strategy: "outside-space")));

        Assert.StartsWith($"strategy 'outside-space' {Plugin} asked a point outside its search space: 'w:features.0' = 1.5, not float in [0, 0.5]", fault.Message);
        using var store = HassStore.Open(db);
        Assert.Equal([TrialState.Complete, TrialState.Complete], store.Trials("synthetic").Select(t => t.State));
        var campaign = store.GetCampaign("synthetic")!;
        Assert.Equal(CampaignStatus.Failed, campaign.Status);
        Assert.Equal(fault.Message, campaign.Message);
    }

    [Theory]
    [InlineData("throws-in-ask", "threw InvalidOperationException in Ask: the test strategy lost its state (by design)", 2)]
    [InlineData("throws-in-tell", "threw ArgumentException in Tell: the test strategy cannot take this outcome (by design)", 2)]
    public async Task A_strategy_that_throws_stops_the_campaign_naming_it_and_keeps_the_finished_trials(string strategy, string what, int stored)
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var fault = await Assert.ThrowsAsync<PluginFaultException>(() => Run(db, Spec(strategy: strategy)));

        Assert.StartsWith($"strategy '{strategy}' {Plugin} {what}", fault.Message);
        Assert.IsAssignableFrom<Exception>(fault.InnerException);
        using var store = HassStore.Open(db);
        Assert.Equal(stored, store.Trials("synthetic").Count(t => t.State == TrialState.Complete));
        Assert.Equal(CampaignStatus.Failed, store.GetCampaign("synthetic")!.Status);
    }

    [Fact]
    public async Task A_strategy_repeating_its_trial_numbers_harms_nothing_the_engine_numbers_trials_itself()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var result = await Run(db, Spec(strategy: "repeats-numbers", trials: 4));

        Assert.Equal(CampaignStatus.Complete, result.Status);
        using var store = HassStore.Open(db);
        Assert.Equal([1, 2, 3, 4], store.Trials("synthetic").Select(t => t.Number));
    }

    [Fact]
    public void Cancellation_and_a_design_that_does_not_fit_pass_through_the_check_and_refused_input_is_no_bug()
    {
        var backend = new CheckedBackend(new Hass.Testing.RecordingBackend(_ => throw new DesignDoesNotFitException("too small")), "P");
        var graph = new NetworkGraph { Name = "g", Layers = [] };
        var board = TestEnvironment.Boards().Get("toy-board");
        Assert.Equal("too small", Assert.Throws<DesignDoesNotFitException>(() => backend.Optimize(graph, SparsityProfile.Dense("m"), board, new DesignOptions())).Message);
        var cancelled = new CheckedBackend(new Hass.Testing.RecordingBackend(_ => throw new OperationCanceledException()), "P");
        Assert.Throws<OperationCanceledException>(() => cancelled.Optimize(graph, SparsityProfile.Dense("m"), board, new DesignOptions()));
        var refusing = new CheckedBackend(new Hass.Testing.RecordingBackend(_ => throw new ArgumentException("layer 'x': unknown kind; convert it first")), "P");
        var refused = Assert.Throws<PluginFaultException>(() => refusing.Optimize(graph, SparsityProfile.Dense("m"), board, new DesignOptions()));
        Assert.Equal("backend 'recording' (plugin P) refused its input in Optimize: layer 'x': unknown kind; convert it first", refused.Message);
        Assert.IsType<ArgumentException>(refused.InnerException);
    }

    [Fact]
    public void A_given_folding_may_exceed_the_board_but_an_optimised_design_may_not()
    {
        var board = TestEnvironment.Boards().Get("toy-board");
        var design = new HardwareDesign
        {
            Backend = "b", BackendVersion = "1", Board = board.Name, Graph = "g", Layers = [], Resources = new ResourceUsage(Dsp: board.Dsp + 1),
            Performance = new Performance { ThroughputImagesPerSecond = 10 },
        };
        Assert.Null(DesignCheck.Problem(design, board, mustFit: false));
        Assert.Equal("that does not fit board 'toy-board' (DSP 221 of 220); Optimize must stay within the board, or throw DesignDoesNotFitException",
            DesignCheck.Problem(design, board, mustFit: true));
        Assert.Equal("with a resource use that is negative or not a number (DSP -1, BRAM18 0, URAM 0, LUT 0, FF 0)",
            DesignCheck.Problem(design with { Resources = new ResourceUsage(Dsp: -1) }, board, mustFit: false));
        Assert.Null(DesignCheck.Problem(design with { Resources = ResourceUsage.Zero }, board, mustFit: true));
    }
}
