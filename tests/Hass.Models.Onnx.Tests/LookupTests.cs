using Hass.Abstractions;
using Hass.Pruning.Threshold;
using Hass.Torch.Evaluation;
using Hass.Torch.Models;
using Hass.Torch.Training;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Models.Onnx.Tests;

/// <summary>onnx:PATH resolves through the normal model lookup and gives the torch evaluator its usual pruning sites.</summary>
public sealed class LookupTests : IDisposable
{
    private readonly ServiceProvider _services;

    public LookupTests()
    {
        _services = PluginServices.Build();
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public void OnnxNamesResolveThroughTheModelCatalog()
    {
        var name = "onnx:" + Fixtures.Path("concat-se.onnx");
        var provider = _services.GetRequiredService<ModelCatalog>().Resolve(name);
        Assert.Equal(name, provider.Name);
        Assert.True(_services.GetRequiredService<TorchTrialEvaluatorFactory>().Supports(name));
        Assert.False(_services.GetRequiredService<TorchTrialEvaluatorFactory>().Supports("tflite:" + Fixtures.Path("concat-se.onnx")));
        var unknown = Assert.Throws<ModelException>(() => _services.GetRequiredService<ModelCatalog>().Resolve("lenet"));
        Assert.Contains("onnx:PATH", unknown.Message);
    }

    [Fact]
    public void ImportedNetworksGetPruningSitesAndProfiles()
    {
        using var evaluator = _services.GetRequiredService<TorchTrialEvaluatorFactory>().CreateEvaluator(new EvaluatorSpec
        {
            Model = "onnx:" + Fixtures.Path("fmnist-onnx.onnx"), Pruning = "threshold", SearchImages = 300, CalibrationImages = 16,
        });
        var convs = evaluator.Graph.Layers.Where(l => l.Kind == LayerKind.Conv).Select(l => l.Name).ToList();
        Assert.Equal(["features.0", "features.4", "features.8"], convs);
        Assert.Contains(evaluator.SearchSpace.Dimensions, d => d.Name == "w:features.4");
        Assert.Contains(evaluator.SearchSpace.Dimensions, d => d.Name.StartsWith("a:", StringComparison.Ordinal));
        var dense = evaluator.Evaluate(evaluator.SearchSpace.Defaults(), new EvaluationRequest());
        Assert.Equal(convs, dense.Profile!.Layers.Select(l => l.Layer));
        var pruned = evaluator.Evaluate(new ParameterSet(evaluator.SearchSpace.Dimensions.ToDictionary(d => d.Name, d => d.Name.StartsWith("w:") ? 1.0 : 0.2)), new EvaluationRequest());
        Assert.True(pruned.WeightSparsity > 0.2, $"weight sparsity {pruned.WeightSparsity}");
        Assert.Equal(dense.Top1, evaluator.Evaluate(evaluator.SearchSpace.Defaults(), new EvaluationRequest()).Top1);
    }
}
