using Hass.Abstractions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hass.Torch.Models;

/// <summary>What a node of a <see cref="HassNet"/> computes.</summary>
public enum NodeOp { Input, Conv, BatchNorm, Activation, MaxPool, AvgPool, GlobalPool, Linear, Flatten, Add, Mul, Dropout, Concat }

/// <summary>Zero padding of the four sides of a feature map (ONNX order: top, left, bottom, right).</summary>
public readonly record struct Pads(int Top, int Left, int Bottom, int Right)
{
    public bool Symmetric => Top == Left && Left == Bottom && Bottom == Right;

    /// <summary>The padding argument of torch's pad: [left, right, top, bottom].</summary>
    public long[] ForTorch() => [Left, Right, Top, Bottom];
}

/// <summary>
/// One step of a <see cref="HassNet"/>. The name is the TorchSharp module path (e.g. "layer1.0.conv1"); nodes
/// without a module (adds, flatten, squeeze-excite scaling) carry a path-like name of their own.
/// </summary>
public sealed class NetNode
{
    public required string Name { get; init; }
    public required NodeOp Op { get; init; }
    public required IReadOnlyList<string> Inputs { get; init; }
    public required TensorShape InputShape { get; init; }
    public required TensorShape OutputShape { get; init; }
    public nn.Module<Tensor, Tensor>? Module { get; internal set; }
    public int Kernel { get; init; } = 1;
    public int Stride { get; init; } = 1;
    public int Padding { get; init; }
    /// <summary>
    /// Padding that differs between sides (imported ONNX pads): applied by the node before its module, which
    /// then pads nothing (<see cref="Padding"/> 0). Null when <see cref="Padding"/> covers all four sides.
    /// </summary>
    public Pads? AsymmetricPads { get; init; }
    public Pads AllPads => AsymmetricPads ?? new Pads(Padding, Padding, Padding, Padding);
    public int Groups { get; init; } = 1;
    public bool Bias { get; init; }
    public ActivationKind Activation { get; init; }

    public Conv2d Conv => Module as Conv2d ?? throw new InvalidOperationException($"node '{Name}' is not a convolution");
    public Linear LinearModule => Module as Linear ?? throw new InvalidOperationException($"node '{Name}' is not a linear layer");
    public ActivationSite Site => Module as ActivationSite ?? throw new InvalidOperationException($"node '{Name}' is not an activation");

    /// <summary>Weight tensor of a Conv or Linear node.</summary>
    public Tensor Weight => Op switch
    {
        NodeOp.Conv => Conv.weight!,
        NodeOp.Linear => LinearModule.weight!,
        _ => throw new InvalidOperationException($"node '{Name}' has no weights"),
    };

    public Tensor? BiasTensor => Op switch
    {
        NodeOp.Conv => Conv.bias,
        NodeOp.Linear => LinearModule.bias,
        _ => null,
    };

    /// <summary>
    /// The node's module on <paramref name="input"/>, after the node's asymmetric padding (zeros; −∞ for max pooling):
    /// what the network computes at this node.
    /// </summary>
    public Tensor CallModule(Tensor input) => Module!.call(AsymmetricPads is { } pads
        ? nn.functional.pad(input, pads.ForTorch(), value: Op == NodeOp.MaxPool ? double.NegativeInfinity : 0)
        : input);

    public override string ToString() => $"{Name} ({Op})";
}
