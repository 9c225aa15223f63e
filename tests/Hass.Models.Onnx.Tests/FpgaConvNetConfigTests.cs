using System.Text.Json;
using System.Text.Json.Nodes;
using Hass.Abstractions;
using Hass.Backends.Dataflow;
using Hass.Pruning.Threshold;
using Hass.Torch.Evaluation;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Models.Onnx.Tests;

/// <summary>
/// Imported networks designed by the dataflow backend (pruned, profiled) and written as fpgaConvNet configurations
/// pass the schema check of <see cref="FpgaConvNetSchema"/>; the new layer kinds and asymmetric pads come through.
/// </summary>
public sealed class FpgaConvNetConfigTests : IDisposable
{
    private readonly ServiceProvider _services;

    public FpgaConvNetConfigTests()
    {
        _services = PluginServices.Build();
    }

    public void Dispose() => _services.Dispose();

    [Theory]
    [InlineData("leaky-sigmoid-pad", "zedboard")]
    [InlineData("concat-se", "zedboard")]
    [InlineData("fmnist-onnx", "zc706")]
    public void DesignsOfImportedNetworksFollowFpgaConvNetsSchema(string fixture, string board)
    {
        var config = Configuration(fixture, board);
        Assert.Empty(FpgaConvNetSchema.Check(JsonDocument.Parse(config.ToJsonString()).RootElement));
        var layers = config["partition"]!.AsArray().SelectMany(p => p!["layers"]!.AsArray()).ToDictionary(l => (string)l!["name"]!, l => l!);
        if (fixture == "leaky-sigmoid-pad")
        {
            Assert.Equal("ACTIVATION", (string)layers["down.3"]["type"]!);
            Assert.Equal("LeakyReLU", (string)layers["down.3"]["op_type"]!);
            Assert.Equal(2, layers.Values.Count(l => (string)l["type"]! == "SIGMOID"));
            var pads = layers["down.1"]["parameters"]!;
            Assert.Equal((0, 0, 1, 1), ((int)pads["pad_top"]!, (int)pads["pad_left"]!, (int)pads["pad_bottom"]!, (int)pads["pad_right"]!));
        }
        if (fixture == "fmnist-onnx") Assert.Contains(layers.Values, l => (string)l["type"]! == "CONVOLUTION_SPARSE");
    }

    [Fact]
    public void TheSchemaCheckFindsUnknownMissingAndMistypedFields()
    {
        var config = Configuration("concat-se", "zedboard");
        var layer = config["partition"]![0]!["layers"]![0]!.AsObject();
        layer["colour"] = "red";
        layer.Remove("onnx_node");
        layer["type"] = "SOFTMAX";
        layer["parameters"]!["coarse_in"] = "two";
        var problems = FpgaConvNetSchema.Check(JsonDocument.Parse(config.ToJsonString()).RootElement);
        Assert.Contains(problems, p => p.EndsWith(".colour: no such field"));
        Assert.Contains(problems, p => p.EndsWith(".onnx_node: required field missing"));
        Assert.Contains(problems, p => p.Contains(".type: String SOFTMAX"));
        Assert.Contains(problems, p => p.Contains(".parameters.coarse_in: String"));
        Assert.Equal(4, problems.Count);
    }

    [Fact]
    public void DeepenedFifosBecomeDeeperInputStreams()
    {
        var config = Configuration("fmnist-onnx", "zc706", design => design with
        {
            Layers = design.Layers.Select(l => l.Kind == LayerKind.Conv ? l with { FifoSlackRows = 8 } : l).ToList(),
        });
        var layers = config["partition"]!.AsArray().SelectMany(p => p!["layers"]!.AsArray()).Select(l => l!).ToList();
        var conv = layers.First(l => ((string)l["type"]!).StartsWith("CONVOLUTION") && (string)l["streams_in"]![0]!["name"]! != "in");
        var p = conv["parameters"]!;
        // Six rows beyond the base slack of the producer's output (columns × channels words), over coarse-in streams.
        long rowWords = (long)p["cols_in"]! * (long)p["channels_in"]!;
        int coarseIn = (int)p["coarse_in"]!;
        Assert.Equal(2 + (6 * rowWords + coarseIn - 1) / coarseIn, (long)conv["streams_in"]![0]!["buffer_depth"]!);
        Assert.Equal(2, (int)conv["streams_out"]![0]!["buffer_depth"]!);
        Assert.All(layers.Where(l => !((string)l["type"]!).StartsWith("CONVOLUTION")), l => Assert.Equal(2, (int)l["streams_in"]![0]!["buffer_depth"]!));
    }

    private JsonNode Configuration(string fixture, string boardName, Func<HardwareDesign, HardwareDesign>? edit = null)
    {
        using var evaluator = _services.GetRequiredService<TorchTrialEvaluatorFactory>().CreateEvaluator(new EvaluatorSpec
        {
            Model = "onnx:" + Fixtures.Path(fixture + ".onnx"), Pruning = "threshold", SearchImages = 100, CalibrationImages = 32,
        });
        var parameters = new ParameterSet(evaluator.SearchSpace.Dimensions.ToDictionary(d => d.Name, d => d.Name.StartsWith("w:") ? 0.8 : 0.1));
        var profile = evaluator.Evaluate(parameters, new EvaluationRequest { Profile = true }).Profile!;
        var board = HassJson.ReadFile<BoardSpec>(Path.Combine(Fixtures.Folder, "..", "..", "..", "boards", boardName + ".json"));
        var design = new DataflowBackend(sparse: true).Optimize(evaluator.Graph, profile, board, new DesignOptions());
        if (edit is not null) design = edit(design);
        var path = Path.Combine(Path.GetTempPath(), $"hass-fpgaconvnet-{Guid.NewGuid():N}.json");
        try
        {
            new FpgaConvNetConfigWriter().Write(design, evaluator.Graph, profile, fixture + ".onnx", path);
            return JsonNode.Parse(File.ReadAllText(path))!;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
