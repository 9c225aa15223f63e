using Hass.Abstractions;
using Hass.Engine.Plugins;
using Hass.Engine.Running;
using Hass.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Engine.Tests;

/// <summary>
/// What the engine checks of an evaluator beyond Evaluate, with the misbehaving evaluators loaded through the real catalog: a network
/// from Export or images from CalibrationImages that break the contract, or an exception either throws, is a fault naming the
/// evaluator, its plugin and the call; a measured campaign fails the trial it happens in, and never counts it as the board's failure.
/// </summary>
public class EvaluatorFaultTests
{
    private const string Plugin = PluginFaultTests.Plugin;

    /// <summary>Runs <paramref name="body"/> on the evaluator <paramref name="name"/> (a misbehaving one, or "synthetic") as the engine uses it (checked).</summary>
    private static void With(string name, Action<ITrialEvaluator> body)
    {
        using var provider = PluginFaultTests.Load();
        var spec = PluginFaultTests.Spec(evaluator: name);
        using var evaluator = PluginFaultTests.Components(provider).EvaluatorFor(spec.Model, name).Create(spec.ToEvaluatorSpec());
        body(evaluator);
    }

    private static void FaultNamesTheEvaluator(string name, string what, Action<ITrialEvaluator> call) => With(name, evaluator =>
        Assert.StartsWith($"evaluator '{name}' {Plugin} {what}", Assert.Throws<PluginFaultException>(() => call(evaluator)).Message));

    [Theory]
    [InlineData("throws-in-export", "threw InvalidOperationException in Export: the test evaluator lost its weights (by design);")]
    [InlineData("null-export", "returned a network from Export that is null;")]
    [InlineData("short-weights-export", "returned a network from Export with 3 weights for layer 'features.0' (its shape holds 72);")]
    [InlineData("nan-weights-export", "returned a network from Export with a weight or bias of layer 'features.0' that is not a finite number;")]
    [InlineData("missing-layer-export", "returned a network from Export without a weight tensor for layer 'features.0' (every Conv and Linear layer has one);")]
    [InlineData("foreign-threshold-export", "returned a network from Export with an activation threshold for 'features.1.ghost', which is not a layer of the graph;")]
    [InlineData("other-graph-export", "returned a network from Export for another graph than its own ('synthetic-cnn' of 3 layers; its graph is 'synthetic-cnn' of 7);")]
    public void An_exported_network_that_breaks_the_contract_is_a_fault_naming_the_evaluator(string name, string what) =>
        FaultNamesTheEvaluator(name, what, evaluator => evaluator.Export(evaluator.SearchSpace.Defaults()));

    [Theory]
    [InlineData("throws-in-calibration-images", "threw InvalidOperationException in CalibrationImages: the test evaluator lost its calibration images (by design);")]
    [InlineData("null-calibration-images", "returned calibration images that are null;")]
    [InlineData("short-calibration-images", "returned calibration images of 1568 floats for 4 images of 1x28x28 (it must be 3136: N×C×H×W);")]
    [InlineData("nan-calibration-images", "returned calibration images with a value that is not a finite number;")]
    public void Calibration_images_that_break_the_contract_are_a_fault_naming_the_evaluator(string name, string what) =>
        FaultNamesTheEvaluator(name, what, evaluator => evaluator.CalibrationImages(4));

    [Fact]
    public void The_synthetic_evaluators_network_and_images_pass_and_a_count_below_1_is_the_callers_error() => With("synthetic", evaluator =>
    {
        Assert.Equal(3, evaluator.Export(evaluator.SearchSpace.Defaults()).Tensors.Count);
        Assert.Equal(3 * 28 * 28, evaluator.CalibrationImages(3).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => evaluator.CalibrationImages(0));
    });

    [Fact]
    public void A_count_of_calibration_images_the_evaluator_refuses_is_a_fault_that_says_it_refused_and_why() => With("synthetic", evaluator =>
    {
        var refusing = new CheckedEvaluator(new ImagesRefusingEvaluator(((CheckedEvaluator)evaluator).Inner), "evaluator 'few' (plugin P)");
        var fault = Assert.Throws<PluginFaultException>(() => refusing.CalibrationImages(70_000));
        Assert.Equal("evaluator 'few' (plugin P) refused its input in CalibrationImages: ask for 1..60000 calibration images (Parameter 'count')", fault.Message);
        Assert.IsType<ArgumentOutOfRangeException>(fault.InnerException);
    });

    [Fact]
    public void The_network_check_names_what_is_wrong_with_tensors_thresholds_and_formats() => With("synthetic", evaluator =>
    {
        var graph = evaluator.Graph;
        var good = evaluator.Export(evaluator.SearchSpace.Defaults());
        var tensors = good.Tensors;
        string? Problem(DeployableNetwork network) => DeployableNetworkCheck.Problem(network, graph);

        Assert.Null(Problem(good));
        Assert.Equal("with a null entry in its Tensors", Problem(good with { Tensors = [.. tensors, null!] }));
        Assert.Equal("with weights for 'features.1', which is no Conv or Linear layer of the graph", Problem(good with { Tensors = [.. tensors, new LayerTensors("features.1", [], null)] }));
        Assert.Equal("with 2 weight tensors for layer 'features.0' (every Conv and Linear layer has one)", Problem(good with { Tensors = [.. tensors, tensors[0]] }));
        Assert.Equal("with a bias of 3 values for layer 'classifier' (it has 10 filters)", Problem(good with { Tensors = [tensors[0], tensors[1], tensors[2] with { Bias = new float[3] }] }));
        Assert.Equal("with a weight or bias of layer 'classifier' that is not a finite number",
            Problem(good with { Tensors = [tensors[0], tensors[1], tensors[2] with { Bias = [.. new float[9], float.PositiveInfinity] }] }));
        Assert.Equal("with an activation threshold of -0.5 for layer 'features.1' (it must be a finite number ≥ 0)",
            Problem(good with { ActivationThresholds = new Dictionary<string, double> { ["features.1"] = -0.5 } }));
        Assert.Equal("with fixed-point formats of 0-bit activations and 8-bit weights (widths are 1 to 32 bits)",
            Problem(good with { Formats = new FixedPointFormats(0, 8, new Dictionary<string, int>()) }));
        Assert.Null(Problem(good with { Formats = new FixedPointFormats(8, 8, new Dictionary<string, int> { ["input"] = 6 }) }));
    });

    [Fact]
    public async Task A_measured_campaign_whose_evaluator_gives_no_calibration_images_fails_those_trials_and_measures_nothing()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var spec = PluginFaultTests.Spec(evaluator: "null-calibration-images", section: "\"measure\": { \"link\": \"tcp:127.0.0.1:9\", \"designs\": { \"everyN\": 1 } }");
        var measurer = new FakeMeasurer(0.5);
        CampaignResult result;
        using (var provider = PluginFaultTests.Load())
        using (var store = HassStore.Open(db))
            result = await new CampaignSearch(spec, "synthetic.json", store, PluginFaultTests.Components(provider), TestEnvironment.Boards(), measurer: measurer).RunAsync(default);

        Assert.Equal(0, measurer.Measured);
        Assert.Equal(0, result.MeasurementFailures);   // the evaluator's fault, not the board's
        using var reopened = HassStore.Open(db);
        var trials = reopened.Trials("synthetic");
        Assert.Equal(TrialState.Failed, trials[0].State);   // the warm start's unpruned point: feasible, so measured
        Assert.All(trials.Where(t => t.State == TrialState.Failed), t =>
            Assert.StartsWith($"evaluator 'null-calibration-images' {Plugin} returned calibration images that are null;", t.Error));
        Assert.All(trials, t => Assert.Null(t.MeasuredThroughput));
    }

    /// <summary>The synthetic evaluator with a training set of 60,000 images, which refuses more calibration images than that.</summary>
    private sealed class ImagesRefusingEvaluator(ITrialEvaluator inner) : ITrialEvaluator
    {
        public NetworkGraph Graph => inner.Graph;
        public string Fingerprint => inner.Fingerprint;
        public SearchSpace SearchSpace => inner.SearchSpace;
        public EvaluationOutcome Evaluate(ParameterSet parameters, EvaluationRequest request, CancellationToken cancellationToken = default) =>
            inner.Evaluate(parameters, request, cancellationToken);
        public DeployableNetwork Export(ParameterSet parameters) => inner.Export(parameters);

        public float[] CalibrationImages(int count) => count <= 60_000
            ? inner.CalibrationImages(count)
            : throw new ArgumentOutOfRangeException(nameof(count), count, "ask for 1..60000 calibration images");

        public void Dispose() => inner.Dispose();
    }
}
