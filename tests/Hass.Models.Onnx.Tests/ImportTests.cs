using System.Text.Json;
using Hass.Abstractions;
using Hass.Models.Zoo;
using Hass.Torch.Evaluation;
using Hass.Torch.Models;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace Hass.Models.Onnx.Tests;

/// <summary>ONNX files exported by PyTorch 1.13 (Fixtures/generate.py) imported and run against PyTorch's own outputs.</summary>
public sealed class ImportTests
{
    [Theory]
    [InlineData("resnet18")]
    [InlineData("mobilenet-v2")]
    [InlineData("mobilenet-v3-small")]
    [InlineData("concat-se")]
    [InlineData("concat-se-opset17")]
    [InlineData("fmnist-onnx")]
    [InlineData("leaky-sigmoid-pad")]
    [InlineData("leaky-sigmoid-pad-fused")]
    public void OutputsEqualPyTorchWithin1e4(string name)
    {
        var reference = JsonDocument.Parse(File.ReadAllText(Fixtures.Path(name + ".ref.json"))).RootElement;
        var inputShape = reference.GetProperty("input").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        using var provider = OnnxModelProvider.Open(Fixtures.Path(name + ".onnx")).Build(0);
        provider.eval();
        using var _ = no_grad();
        using var input = tensor(Fixtures.Floats(name + ".input.bin")).reshape(inputShape);
        var expected = Fixtures.Floats(name + ".output.bin");
        using var output = provider.call(input);
        var actual = output.data<float>().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1e-4, $"{name}: largest difference {worst:E2}");

        using var folded = provider.FoldBatchNorm();
        using var foldedOutput = folded.call(input);
        var foldedWorst = expected.Zip(foldedOutput.data<float>().ToArray(), (e, a) => Math.Abs(e - a)).Max();
        Assert.True(foldedWorst <= 1e-4, $"{name} (BN folded): largest difference {foldedWorst:E2}");
    }

    [Theory]
    [InlineData("resnet18", "resnet18")]
    [InlineData("mobilenet-v2", "mobilenet-v2")]
    [InlineData("mobilenet-v3-small", "mobilenet-v3-small")]
    public void TorchVisionGraphsHaveTheZoosMacsAndParameters(string fixture, string zooModel)
    {
        using var imported = OnnxModelProvider.Open(Fixtures.Path(fixture + ".onnx")).Build(0);
        using var zoo = ZooPlugin.Models.Single(m => m.Name == zooModel).Build(0);
        var a = imported.ToGraph();
        var b = zoo.ToGraph();
        Assert.Equal(b.TotalMacs, a.TotalMacs);
        Assert.Equal(b.TotalParameters, a.TotalParameters);
        Assert.Equal(b.Layers.Count(l => l.Kind == LayerKind.Conv), a.Layers.Count(l => l.Kind == LayerKind.Conv));
        Assert.Equal(b.Layers.Count(l => l.Kind == LayerKind.Linear), a.Layers.Count(l => l.Kind == LayerKind.Linear));
        Assert.Equal(1000, a.Classes);
        // Conv layers carry the zoo's module paths (BN folded into them by the exporter).
        Assert.Equal(b.Layers.Where(l => l.Kind == LayerKind.Conv).Select(l => l.Name), a.Layers.Where(l => l.Kind == LayerKind.Conv).Select(l => l.Name));
    }

    [Fact]
    public void ConcatSqueezeExciteAndHardswishPatternsAreRecognised()
    {
        using var net = OnnxModelProvider.Open(Fixtures.Path("concat-se.onnx")).Build(0);
        var graph = net.ToGraph();
        Assert.Single(graph.Layers, l => l.Kind == LayerKind.Concat);
        var mul = Assert.Single(graph.Layers, l => l.Kind == LayerKind.EltwiseMul);
        Assert.Equal(new TensorShape(32, 1, 1), graph[mul.Inputs[1]].OutputShape);
        Assert.Single(graph.Layers, l => l.Kind == LayerKind.Hardswish);   // HardSigmoid·x at opset 11
        Assert.Single(graph.Layers, l => l.Kind == LayerKind.Hardsigmoid);
        Assert.Equal(2, net.Nodes.Count(n => n.Op == NodeOp.Linear || n.Op == NodeOp.Conv && n.Groups == 32) );   // matmul+add, depthwise
        Assert.Equal(10, graph.Classes);
    }

    /// <summary>
    /// nn.ZeroPad2d((0, 1, 0, 1)) before a stride-2 conv: PyTorch's Pad (pads computed by a constant subgraph) is
    /// taken over by the conv; the "-fused" fixture states the same pads on the Conv itself. Leaky ReLU keeps its
    /// slope, sigmoid gates squeeze-excite and x·sigmoid(x); neither is a pruning site.
    /// </summary>
    [Theory]
    [InlineData("leaky-sigmoid-pad")]
    [InlineData("leaky-sigmoid-pad-fused")]
    public void LeakyReluSigmoidAndAsymmetricPadsAreImported(string fixture)
    {
        using var net = OnnxModelProvider.Open(Fixtures.Path(fixture + ".onnx")).Build(0);
        var graph = net.ToGraph();
        var down = graph["down.1"];
        Assert.Equal((0, 0, 1, 1), (down.PadTop, down.PadLeft, down.PadBottom, down.PadRight));
        Assert.Equal(new TensorShape(16, 14, 14), down.OutputShape);
        var leaky = graph.Layers.Where(l => l.Kind == LayerKind.LeakyReLU).ToList();
        Assert.Equal([0.1, 0.01], leaky.Select(l => Math.Round(l.NegativeSlope!.Value, 6)));
        Assert.Equal(2, graph.Layers.Count(l => l.Kind == LayerKind.Sigmoid));
        Assert.Equal(2, graph.Layers.Count(l => l.Kind == LayerKind.EltwiseMul));
        Assert.Null(graph["stem.0"].NegativeSlope);
        Assert.All(net.ActivationNodes.Where(n => n.Activation is ActivationKind.LeakyReLU or ActivationKind.Sigmoid), n => Assert.False(n.Site.Thresholdable));
        var json = HassJson.Serialize(graph);
        Assert.Equal(2, json.Split("negativeSlope").Length - 1);
        Assert.Equal(graph.ContentHash(), HassJson.Deserialize<NetworkGraph>(json).ContentHash());
    }

    [Fact]
    public void FashionMnistNetworkTrainedInPyTorchKeepsItsTestAccuracy()
    {
        var meta = JsonDocument.Parse(File.ReadAllText(Fixtures.Path("fmnist-onnx.json"))).RootElement;
        var provider = OnnxModelProvider.Open(Fixtures.Path("fmnist-onnx.onnx"));
        Assert.Equal("fashion-mnist", provider.Info.DefaultDataset);
        var dataset = Torch.Data.Datasets.Open("fashion-mnist", null, provider.Info.InputShape);
        using var net = provider.Build(0);
        var result = ModelEvaluator.Run(net, new Torch.Data.DataSplits(dataset).Test, new Torch.Data.Normalisation(provider.Info.Mean, provider.Info.Std), new PassOptions());
        Assert.Equal(10000, result.Images);
        Assert.InRange(result.Top1, meta.GetProperty("testTop1").GetDouble() - 0.05, meta.GetProperty("testTop1").GetDouble() + 0.05);
    }

    /// <summary>
    /// A network trained in PyTorch on (x/255 − 0.5) / 0.25 (generate.py): with the zoo's default preprocessing it
    /// loses accuracy; with its own, stated as a PreprocessSpec, it gets PyTorch's test top-1 (±0.05), through the
    /// plain evaluator and through the trial evaluator (the path of campaigns and `hass profile`).
    /// </summary>
    [Fact]
    public void NetworkTrainedWithAnotherNormalisationNeedsItsPreprocessing()
    {
        var meta = JsonDocument.Parse(File.ReadAllText(Fixtures.Path("fmnist-norm.json"))).RootElement;
        double pyTorch = meta.GetProperty("testTop1").GetDouble();
        var provider = OnnxModelProvider.Open(Fixtures.Path("fmnist-norm.onnx"));
        var test = new Torch.Data.DataSplits(Torch.Data.Datasets.Open("fashion-mnist", null, provider.Info.InputShape)).Test;
        var preprocess = PreprocessSpec.Parse("mean=0.5,std=0.25");
        using var net = provider.Build(0);
        var zooDefault = ModelEvaluator.Run(net, test, Torch.Data.Normalisation.For(provider.Info, null), new PassOptions()).Top1;
        var own = ModelEvaluator.Run(net, test, Torch.Data.Normalisation.For(provider.Info, preprocess), new PassOptions()).Top1;
        Assert.InRange(own, pyTorch - 0.05, pyTorch + 0.05);
        Assert.True(zooDefault < pyTorch - 2, $"zoo default {zooDefault:F2} vs PyTorch {pyTorch:F2}");

        using var container = PluginServices.Build();
        var factory = container.GetRequiredService<TorchTrialEvaluatorFactory>();
        var spec = new EvaluatorSpec { Model = "onnx:" + Fixtures.Path("fmnist-norm.onnx"), Pruning = "threshold", SearchImages = 100, CalibrationImages = 8, FixedPoint16 = false };
        using var withOwn = factory.CreateEvaluator(spec with { Preprocess = preprocess });
        using var withDefault = factory.CreateEvaluator(spec);
        Assert.NotEqual(withDefault.Fingerprint, withOwn.Fingerprint);
        var outcome = withOwn.Evaluate(withOwn.SearchSpace.Defaults(), new EvaluationRequest { Split = "test", Profile = false });
        Assert.InRange(outcome.Top1, pyTorch - 0.05, pyTorch + 0.05);

        var wrongChannels = Assert.Throws<Torch.Training.ModelException>(() => factory.CreateEvaluator(spec with { Preprocess = PreprocessSpec.Parse("mean=0.1/0.2/0.3") }));
        Assert.Contains("3 values for a 1-channel input", wrongChannels.Message);
    }
}
