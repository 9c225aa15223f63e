using Hass.Abstractions;
using Hass.Torch.Models;

namespace Hass.Models.Zoo;

/// <summary>
/// TorchVision ImageNet architectures (3×224×224, 1000 classes) with TorchVision's module names, so their
/// state_dicts load from PyTorch through TorchSharp.PyBridge. Random initialisation unless weights are given.
/// Parameter-free modules that TorchVision reuses (ResNet's relu) get one node per call: relu, relu_2, relu_3.
/// </summary>
public abstract class ImageNetModel : ModelProvider
{
    public override ModelInfo Info { get; } = new()
    {
        InputShape = new TensorShape(3, 224, 224), Classes = 1000, DefaultDataset = "imagenet",
        Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f], Training = null,
    };

    /// <summary>TorchVision's _make_divisible.</summary>
    protected static int MakeDivisible(double v, int divisor = 8)
    {
        int n = Math.Max(divisor, (int)(v + divisor / 2.0) / divisor * divisor);
        return n < 0.9 * v ? n + divisor : n;
    }

    /// <summary>Conv2dNormActivation: prefix.0 conv, prefix.1 BN, prefix.2 activation (when given).</summary>
    internal static string ConvBnAct(NetBuilder b, string prefix, string x, int filters, int kernel, int stride = 1, int groups = 1,
        ActivationKind? act = ActivationKind.ReLU, double eps = 1e-5, double momentum = 0.1)
    {
        x = b.Conv(prefix + ".0", x, filters, kernel, stride, (kernel - 1) / 2, groups);
        x = b.BatchNorm(prefix + ".1", x, eps, momentum);
        return act is { } a ? b.Activation(prefix + ".2", x, a) : x;
    }
}

public sealed class ImageNetResNet(string name, bool bottleneck, int[] blocks) : ImageNetModel
{
    public override string Name => name;
    public override string Description => $"TorchVision {name.ToUpperInvariant().Replace("RESNET", "ResNet-")} architecture (ImageNet 224x224), random init or PyTorch weights";

    protected override void Define(NetBuilder b)
    {
        var x = b.Conv("conv1", b.Input, 64, 7, 2, 3);
        x = b.BatchNorm("bn1", x);
        x = b.ReLU("relu", x);
        x = b.MaxPool("maxpool", x, 3, 2, 1);
        int inChannels = 64;
        for (int stage = 0; stage < 4; stage++)
        {
            int width = 64 << stage;
            for (int i = 0; i < blocks[stage]; i++)
            {
                int stride = stage > 0 && i == 0 ? 2 : 1;
                var prefix = $"layer{stage + 1}.{i}";
                x = bottleneck ? Bottleneck(b, prefix, x, inChannels, width, stride) : BasicBlock(b, prefix, x, inChannels, width, stride);
                inChannels = bottleneck ? width * 4 : width;
            }
        }
        x = b.GlobalPool("avgpool", x);
        x = b.Flatten("flatten", x);
        b.Linear("fc", x, 1000);
    }

    /// <summary>TorchVision BasicBlock: conv1-bn1-relu-conv2-bn2 (+ downsample) → add → relu.</summary>
    internal static string BasicBlock(NetBuilder b, string p, string x, int inChannels, int width, int stride)
    {
        var y = b.Conv(p + ".conv1", x, width, 3, stride, 1);
        y = b.BatchNorm(p + ".bn1", y);
        y = b.ReLU(p + ".relu", y);
        y = b.Conv(p + ".conv2", y, width, 3, 1, 1);
        y = b.BatchNorm(p + ".bn2", y);
        var shortcut = Shortcut(b, p, x, inChannels, width, stride);
        return b.ReLU(p + ".relu_2", b.Add(p + ".add", y, shortcut));
    }

    /// <summary>TorchVision Bottleneck (v1.5, stride on the 3×3): 1×1 → 3×3 → 1×1 (×4) (+ downsample) → add → relu.</summary>
    internal static string Bottleneck(NetBuilder b, string p, string x, int inChannels, int width, int stride)
    {
        var y = b.ReLU(p + ".relu", b.BatchNorm(p + ".bn1", b.Conv(p + ".conv1", x, width, 1)));
        y = b.ReLU(p + ".relu_2", b.BatchNorm(p + ".bn2", b.Conv(p + ".conv2", y, width, 3, stride, 1)));
        y = b.BatchNorm(p + ".bn3", b.Conv(p + ".conv3", y, width * 4, 1));
        var shortcut = Shortcut(b, p, x, inChannels, width * 4, stride);
        return b.ReLU(p + ".relu_3", b.Add(p + ".add", y, shortcut));
    }

    private static string Shortcut(NetBuilder b, string p, string x, int inChannels, int outChannels, int stride) =>
        stride == 1 && inChannels == outChannels ? x
            : b.BatchNorm(p + ".downsample.1", b.Conv(p + ".downsample.0", x, outChannels, 1, stride));
}

public sealed class ImageNetMobileNetV2 : ImageNetModel
{
    public override string Name => "mobilenet-v2";
    public override string Description => "TorchVision MobileNetV2 architecture (ImageNet 224x224): inverted residuals, depthwise convs, ReLU6";

    protected override void Define(NetBuilder b)
    {
        var x = ConvBnAct(b, "features.0", b.Input, 32, 3, 2, act: ActivationKind.ReLU6);
        int inChannels = 32, index = 1;
        foreach (var (t, c, n, s) in new[] { (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1) })
            for (int i = 0; i < n; i++)
            {
                x = InvertedResidual(b, $"features.{index++}", x, inChannels, c, i == 0 ? s : 1, t);
                inChannels = c;
            }
        x = ConvBnAct(b, $"features.{index}", x, 1280, 1, act: ActivationKind.ReLU6);
        x = b.GlobalPool("avgpool", x);
        x = b.Flatten("flatten", x);
        x = b.Dropout("classifier.0", x, 0.2);
        b.Linear("classifier.1", x, 1000);
    }

    /// <summary>TorchVision MobileNetV2 InvertedResidual: [1×1 expand] → 3×3 depthwise → 1×1 linear projection (+ add).</summary>
    internal static string InvertedResidual(NetBuilder b, string p, string x, int inChannels, int outChannels, int stride, int expandRatio)
    {
        int hidden = inChannels * expandRatio;
        var y = x;
        int i = 0;
        if (expandRatio != 1) y = ConvBnAct(b, $"{p}.conv.{i++}", y, hidden, 1, act: ActivationKind.ReLU6);
        y = ConvBnAct(b, $"{p}.conv.{i++}", y, hidden, 3, stride, hidden, ActivationKind.ReLU6);
        y = b.Conv($"{p}.conv.{i++}", y, outChannels, 1);
        y = b.BatchNorm($"{p}.conv.{i}", y);
        return stride == 1 && inChannels == outChannels ? b.Add(p + ".add", x, y) : y;
    }
}

public sealed class ImageNetMobileNetV3(bool large) : ImageNetModel
{
    private const double Eps = 0.001, Momentum = 0.01;

    public override string Name => large ? "mobilenet-v3-large" : "mobilenet-v3-small";
    public override string Description => $"TorchVision MobileNetV3-{(large ? "Large" : "Small")} architecture (ImageNet 224x224): squeeze-excite, hardswish";

    private static readonly (int In, int K, int Exp, int Out, bool Se, bool Hs, int Stride)[] LargeConfig =
    [
        (16, 3, 16, 16, false, false, 1), (16, 3, 64, 24, false, false, 2), (24, 3, 72, 24, false, false, 1),
        (24, 5, 72, 40, true, false, 2), (40, 5, 120, 40, true, false, 1), (40, 5, 120, 40, true, false, 1),
        (40, 3, 240, 80, false, true, 2), (80, 3, 200, 80, false, true, 1), (80, 3, 184, 80, false, true, 1),
        (80, 3, 184, 80, false, true, 1), (80, 3, 480, 112, true, true, 1), (112, 3, 672, 112, true, true, 1),
        (112, 5, 672, 160, true, true, 2), (160, 5, 960, 160, true, true, 1), (160, 5, 960, 160, true, true, 1),
    ];

    private static readonly (int In, int K, int Exp, int Out, bool Se, bool Hs, int Stride)[] SmallConfig =
    [
        (16, 3, 16, 16, true, false, 2), (16, 3, 72, 24, false, false, 2), (24, 3, 88, 24, false, false, 1),
        (24, 5, 96, 40, true, true, 2), (40, 5, 240, 40, true, true, 1), (40, 5, 240, 40, true, true, 1),
        (40, 5, 120, 48, true, true, 1), (48, 5, 144, 48, true, true, 1), (48, 5, 288, 96, true, true, 2),
        (96, 5, 576, 96, true, true, 1), (96, 5, 576, 96, true, true, 1),
    ];

    protected override void Define(NetBuilder b)
    {
        var config = large ? LargeConfig : SmallConfig;
        var x = ConvBnAct(b, "features.0", b.Input, 16, 3, 2, act: ActivationKind.Hardswish, eps: Eps, momentum: Momentum);
        int index = 1;
        foreach (var c in config) x = Block(b, $"features.{index++}", x, c);
        int lastConv = 6 * config[^1].Out;
        x = ConvBnAct(b, $"features.{index}", x, lastConv, 1, act: ActivationKind.Hardswish, eps: Eps, momentum: Momentum);
        x = b.GlobalPool("avgpool", x);
        x = b.Flatten("flatten", x);
        x = b.Linear("classifier.0", x, large ? 1280 : 1024);
        x = b.Hardswish("classifier.1", x);
        x = b.Dropout("classifier.2", x, 0.2);
        b.Linear("classifier.3", x, 1000);
    }

    private static string Block(NetBuilder b, string p, string x, (int In, int K, int Exp, int Out, bool Se, bool Hs, int Stride) c)
    {
        var act = c.Hs ? ActivationKind.Hardswish : ActivationKind.ReLU;
        var y = x;
        int i = 0;
        if (c.Exp != c.In) y = ConvBnAct(b, $"{p}.block.{i++}", y, c.Exp, 1, act: act, eps: Eps, momentum: Momentum);
        y = ConvBnAct(b, $"{p}.block.{i++}", y, c.Exp, c.K, c.Stride, c.Exp, act, Eps, Momentum);
        if (c.Se)
        {
            var se = $"{p}.block.{i++}";
            int squeeze = MakeDivisible(c.Exp / 4, 8);
            var s = b.GlobalPool(se + ".avgpool", y);
            s = b.Conv(se + ".fc1", s, squeeze, 1, bias: true);
            s = b.ReLU(se + ".activation", s);
            s = b.Conv(se + ".fc2", s, c.Exp, 1, bias: true);
            s = b.Hardsigmoid(se + ".scale_activation", s);
            y = b.Mul(se + ".mul", y, s);
        }
        y = ConvBnAct(b, $"{p}.block.{i}", y, c.Out, 1, act: null, eps: Eps, momentum: Momentum);
        return c.Stride == 1 && c.In == c.Out ? b.Add(p + ".add", x, y) : y;
    }
}
