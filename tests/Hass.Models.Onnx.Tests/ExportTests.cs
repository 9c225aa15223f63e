using Hass.Abstractions;
using Hass.Models.Zoo;
using Hass.Pruning.Threshold;
using Hass.Torch.Evaluation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Hass.Models.Onnx.Tests;

/// <summary>Pruned networks written as ONNX and run with Microsoft.ML.OnnxRuntime give hass's own test top-1.</summary>
public sealed class ExportTests : IDisposable
{
    private readonly ServiceProvider _services;

    public ExportTests()
    {
        _services = PluginServices.Build(withZoo: true);
    }

    public void Dispose() => _services.Dispose();

    [Theory]
    [InlineData("fmnist-onnx", true, 10000)]
    [InlineData("fmnist-onnx", false, 2000)]
    [InlineData("fmnist-mobilenet", true, 2000)]
    [InlineData("fmnist-onnx", true, 2000, 8)]
    [InlineData("fmnist-mobilenet", true, 1000, 8)]
    public void PrunedOnnxRunsWithOnnxRuntimeAtHasssTop1(string model, bool fixedPoint, int images, int bits = 16)
    {
        var name = model == "fmnist-onnx" ? "onnx:" + Fixtures.Path("fmnist-onnx.onnx") : model;
        using var evaluator = _services.GetRequiredService<TorchTrialEvaluatorFactory>().CreateEvaluator(new EvaluatorSpec
        {
            Model = name, Pruning = "threshold", SearchImages = 300, CalibrationImages = 16, FixedPoint16 = fixedPoint, TestImages = images,
            Quantisation = bits == 16 ? null : new QuantisationSpec { ActivationBits = bits, WeightBits = bits },
        });
        var parameters = new ParameterSet(evaluator.SearchSpace.Dimensions.ToDictionary(d => d.Name, d => d.Name.StartsWith("w:") ? 0.8 : 0.15));
        var hass = evaluator.Evaluate(parameters, new EvaluationRequest { Split = "test", Profile = false });
        Assert.True(hass.WeightSparsity > 0.2, $"weight sparsity {hass.WeightSparsity}");

        var path = Path.Combine(Path.GetTempPath(), $"hass-export-{Guid.NewGuid():N}.onnx");
        try
        {
            _services.GetRequiredKeyedService<Torch.Models.INetworkExporter>("onnx").Write(evaluator.Export(parameters), fixedPoint, path);
            Assert.Equal(images, hass.Images);
            var top1 = OnnxRuntimeTop1(path, evaluator, hass.Images);
            Assert.InRange(top1, hass.Top1 - 0.05, hass.Top1 + 0.05);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Leaky ReLU (slope kept), sigmoid and asymmetric pads written back as ONNX give PyTorch's outputs under OnnxRuntime.</summary>
    [Fact]
    public void LeakyReluSigmoidAndAsymmetricPadsSurviveTheExport()
    {
        using var evaluator = _services.GetRequiredService<TorchTrialEvaluatorFactory>().CreateEvaluator(new EvaluatorSpec
        {
            Model = "onnx:" + Fixtures.Path("leaky-sigmoid-pad.onnx"), Pruning = "threshold", SearchImages = 100, CalibrationImages = 8, FixedPoint16 = false, TestImages = 100,
        });
        var path = Path.Combine(Path.GetTempPath(), $"hass-export-{Guid.NewGuid():N}.onnx");
        try
        {
            _services.GetRequiredKeyedService<Torch.Models.INetworkExporter>("onnx").Write(evaluator.Export(evaluator.SearchSpace.Defaults()), false, path);
            using var session = new InferenceSession(path);
            var input = new DenseTensor<float>(Fixtures.Floats("leaky-sigmoid-pad.input.bin"), [2, 1, 28, 28]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
            var actual = results.First().AsTensor<float>().ToArray();
            var expected = Fixtures.Floats("leaky-sigmoid-pad.output.bin");
            Assert.Equal(expected.Length, actual.Length);
            Assert.All(expected.Zip(actual), p => Assert.InRange(p.Second, p.First - 1e-4f, p.First + 1e-4f));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static double OnnxRuntimeTop1(string path, TorchTrialEvaluator evaluator, int images)
    {
        using var session = new InferenceSession(path);
        var test = evaluator.Splits.Test.Take(images);
        var info = evaluator.Model.Provider.Info;
        var normalisation = new Torch.Data.Normalisation(info.Mean, info.Std);
        int correct = 0;
        for (int start = 0; start < images; start += 500)
        {
            int count = Math.Min(500, images - start);
            using var scope = TorchSharp.torch.NewDisposeScope();
            var (x, labels) = test.NormalisedBatch(start, count, normalisation);
            var input = new DenseTensor<float>(x.contiguous().data<float>().ToArray(), [count, info.InputShape.Channels, info.InputShape.Rows, info.InputShape.Cols]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
            var scores = results.First().AsTensor<float>();
            var truth = labels.data<long>().ToArray();
            for (int i = 0; i < count; i++)
            {
                int best = 0;
                for (int c = 1; c < info.Classes; c++) if (scores[i, c] > scores[i, best]) best = c;
                if (best == truth[i]) correct++;
            }
        }
        return 100.0 * correct / images;
    }
}
