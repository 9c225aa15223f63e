using Hass.Abstractions;

namespace Hass.Torch.Models;

/// <summary>How a model is trained by `hass model train` (part of the checkpoint cache key).</summary>
public sealed record TrainingRecipe
{
    public int Epochs { get; init; } = 8;
    public int BatchSize { get; init; } = 128;
    public double LearningRate { get; init; } = 2e-3;
    public double WeightDecay { get; init; } = 5e-4;
    /// <summary>Random horizontal flips and ±2-pixel shifts.</summary>
    public bool Augment { get; init; } = true;
    /// <summary>
    /// Training images held out (never trained on): the search split and the confirmation split
    /// (<see cref="Data.DataSplits"/>). Part of the cache key, so checkpoints of different held-out counts never mix.
    /// </summary>
    public int HeldOut { get; init; } = Data.DataSplits.DefaultHeldOut;
}

/// <summary>Static facts about a model.</summary>
public sealed record ModelInfo
{
    public required TensorShape InputShape { get; init; }
    public required int Classes { get; init; }
    /// <summary>Dataset the model is trained and evaluated on by default ("fashion-mnist", "imagenet").</summary>
    public required string DefaultDataset { get; init; }
    /// <summary>Per-channel normalisation applied to pixel values in [0, 1]: (x − mean) / std.</summary>
    public required float[] Mean { get; init; }
    public required float[] Std { get; init; }
    /// <summary>Null when the model is not trained by HASS (e.g. ImageNet architectures: random init or user weights).</summary>
    public TrainingRecipe? Training { get; init; }
}

/// <summary>
/// A model of the zoo (component kind Model), registered with
/// <c>services.AddHassComponent&lt;IModelProvider&gt;(ComponentKind.Model, provider)</c>.
/// </summary>
public interface IModelProvider : IHassComponent
{
    ModelInfo Info { get; }

    /// <summary>A freshly initialised network (deterministic for a given seed).</summary>
    HassNet Build(int seed);

    /// <summary>Path of a trained checkpoint shipped with the plugin, or null.</summary>
    string? ShippedCheckpoint { get; }
}

/// <summary>Convenience base: seeds TorchSharp, then lets the subclass define the nodes.</summary>
public abstract class ModelProvider : IModelProvider
{
    public abstract string Name { get; }
    public abstract string Description { get; }
    public abstract ModelInfo Info { get; }
    public virtual string? ShippedCheckpoint => null;

    public HassNet Build(int seed)
    {
        TorchSharp.torch.random.manual_seed(seed);
        var builder = new NetBuilder(Name, Info.InputShape);
        Define(builder);
        return builder.Build(Info.Classes);
    }

    /// <summary>Adds the model's nodes, input first, class scores last.</summary>
    protected abstract void Define(NetBuilder b);
}

/// <summary>
/// A family of models named "&lt;source&gt;:&lt;argument&gt;" (e.g. "onnx:net.onnx"), registered like a model
/// (kind Model, name = the source) with <c>services.AddHassComponent&lt;IModelSource&gt;(ComponentKind.Model, source)</c>.
/// </summary>
public interface IModelSource : IHassComponent
{
    /// <summary>The model named by <paramref name="argument"/>; a ModelException when it cannot be read.</summary>
    IModelProvider Open(string argument);
}

/// <summary>A model whose weights come with its definition (e.g. an ONNX file): used unless a checkpoint is given.</summary>
public interface IModelWithWeights
{
    string WeightsSource { get; }
    string WeightsHash { get; }
}
