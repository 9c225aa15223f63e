using Hass.Abstractions;
using Hass.Torch.Models;

namespace Hass.Models.Onnx;

/// <summary>The "onnx" model source: onnx:PATH names the network in that file (relative paths from the working directory).</summary>
public sealed class OnnxModelSource : IModelSource
{
    public string Name => "onnx";
    public string Description => "Imports a network from an ONNX file exported by PyTorch (opsets 11-17): model name onnx:PATH";

    public IModelProvider Open(string argument) => OnnxModelProvider.Open(argument);
}

/// <summary>
/// One ONNX file as a model: the file is read and checked once when opened (so unsupported operators are reported
/// before any work starts); every <see cref="Build"/> makes a fresh network with the file's weights.
/// </summary>
public sealed class OnnxModelProvider : IModelProvider, IModelWithWeights
{
    private readonly OnnxModelFile _file;

    private OnnxModelProvider(string argument, OnnxModelFile file, ModelInfo info)
    {
        Name = "onnx:" + argument;
        _file = file;
        Info = info;
    }

    public static OnnxModelProvider Open(string argument)
    {
        var file = OnnxModelFile.Read(argument);
        var provider = new OnnxModelProvider(argument, file, new ModelInfo
        {
            InputShape = file.InputShape, Classes = 0, DefaultDataset = "", Mean = [], Std = [],
        });
        using var probe = provider.Build(0);
        provider.Info = Preprocessing.Default(file.InputShape, probe.Classes);
        return provider;
    }

    public string Name { get; }
    public string Description => $"ONNX network {_file.Path}";
    public ModelInfo Info { get; private set; }
    public string? ShippedCheckpoint => null;
    public string WeightsSource => Path.GetFullPath(_file.Path);
    public string WeightsHash => _file.Sha256;

    public HassNet Build(int seed) => new OnnxImporter(_file, Name).Build();
}

/// <summary>The zoo's input preprocessing for a network's input shape: Fashion-MNIST for 1×28×28, ImageNet otherwise.</summary>
internal static class Preprocessing
{
    public static ModelInfo Default(TensorShape input, int classes) => input.Channels == 1
        ? new ModelInfo { InputShape = input, Classes = classes, DefaultDataset = "fashion-mnist", Mean = [0.2860f], Std = [0.3530f] }
        : new ModelInfo
        {
            InputShape = input, Classes = classes, DefaultDataset = "imagenet",
            Mean = Enumerable.Range(0, input.Channels).Select(c => new[] { 0.485f, 0.456f, 0.406f }[c % 3]).ToArray(),
            Std = Enumerable.Range(0, input.Channels).Select(c => new[] { 0.229f, 0.224f, 0.225f }[c % 3]).ToArray(),
        };
}
