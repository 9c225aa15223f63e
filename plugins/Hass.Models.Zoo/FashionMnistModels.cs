using Hass.Abstractions;
using Hass.Torch.Models;

namespace Hass.Models.Zoo;

/// <summary>Shared facts of the Fashion-MNIST models (1×28×28 grey images, 10 classes).</summary>
public abstract class FashionMnistModel : ModelProvider
{
    // Fashion-MNIST training-set pixel statistics (of x/255).
    public const float PixelMean = 0.2860f, PixelStd = 0.3530f;
    /// <summary>Held out of the 60,000 training images: the 2,000-image search split and an 18,000-image confirmation split.</summary>
    public const int HeldOutImages = 20_000;

    protected FashionMnistModel(TrainingRecipe recipe)
    {
        Info = new ModelInfo
        {
            InputShape = new TensorShape(1, 28, 28), Classes = 10, DefaultDataset = "fashion-mnist",
            Mean = [PixelMean], Std = [PixelStd], Training = recipe,
        };
    }

    public override ModelInfo Info { get; }

    /// <summary>checkpoints/&lt;name&gt;.dat next to the plugin assembly, when shipped.</summary>
    public override string? ShippedCheckpoint
    {
        get
        {
            var path = Path.Combine(Path.GetDirectoryName(typeof(FashionMnistModel).Assembly.Location) ?? "", "checkpoints", Name + ".dat");
            return File.Exists(path) ? path : null;
        }
    }

    /// <summary>conv → BN → activation, named prefix.0 / prefix.1 / prefix.2 (TorchVision's Conv2dNormActivation).</summary>
    protected static string ConvBnAct(NetBuilder b, string prefix, string x, int filters, int kernel, int stride = 1, int groups = 1, ActivationKind? act = ActivationKind.ReLU)
    {
        x = b.Conv(prefix + ".0", x, filters, kernel, stride, (kernel - 1) / 2, groups);
        x = b.BatchNorm(prefix + ".1", x);
        return act is { } a ? b.Activation(prefix + ".2", x, a) : x;
    }
}

/// <summary>Plain 3×3 conv stacks with BN/ReLU and max pooling (the default model of the campaigns).</summary>
public sealed class FashionMnistVgg() : FashionMnistModel(new TrainingRecipe { Epochs = 3, BatchSize = 128, LearningRate = 3e-3, WeightDecay = 5e-4, Augment = false, HeldOut = HeldOutImages })
{
    public override string Name => "fmnist-vgg";
    public override string Description => "Fashion-MNIST VGG-style CNN: 5 plain 3x3 conv layers (16-16-32-32-64) with BN/ReLU, 3 max pools, 1 linear (~5.5 MMAC)";

    protected override void Define(NetBuilder b)
    {
        var x = b.Input;
        int index = 0;
        string Next() => "features." + index++;
        foreach (var (filters, poolAfter) in new[] { (16, false), (16, true), (32, false), (32, true), (64, true) })
        {
            x = b.Conv(Next(), x, filters, 3, padding: 1);
            x = b.BatchNorm(Next(), x);
            x = b.ReLU(Next(), x);
            if (poolAfter) x = b.MaxPool(Next(), x, 2, 2);
        }
        x = b.Flatten("flatten", x);
        b.Linear("classifier.0", x, 10);
    }
}

/// <summary>A small ResNet: stem + three stages of basic residual blocks (adds, 1×1 projection shortcuts).</summary>
public sealed class FashionMnistResNet() : FashionMnistModel(new TrainingRecipe { Epochs = 10, BatchSize = 128, LearningRate = 3e-3, WeightDecay = 5e-4, Augment = false, HeldOut = HeldOutImages })
{
    public override string Name => "fmnist-resnet";
    public override string Description => "Fashion-MNIST ResNet: 3x3 stem + 3 stages of basic residual blocks (16-32-64 channels) with adds and 1x1 projection shortcuts";

    protected override void Define(NetBuilder b)
    {
        var x = b.Conv("conv1", b.Input, 16, 3, padding: 1);
        x = b.BatchNorm("bn1", x);
        x = b.ReLU("relu", x);
        int inChannels = 16;
        foreach (var (stage, width, stride) in new[] { (1, 16, 1), (2, 32, 2), (3, 64, 2) })
        {
            x = ImageNetResNet.BasicBlock(b, $"layer{stage}.0", x, inChannels, width, stride);
            inChannels = width;
        }
        x = b.GlobalPool("avgpool", x);
        x = b.Flatten("flatten", x);
        b.Linear("fc", x, 10);
    }
}

/// <summary>MobileNetV2-style inverted residuals: 1×1 expand, 3×3 depthwise, 1×1 linear projection, ReLU6.</summary>
public sealed class FashionMnistMobileNet() : FashionMnistModel(new TrainingRecipe { Epochs = 6, BatchSize = 128, LearningRate = 4e-3, WeightDecay = 4e-5, Augment = false, HeldOut = HeldOutImages })
{
    public override string Name => "fmnist-mobilenet";
    public override string Description => "Fashion-MNIST MobileNetV2-style CNN: inverted residual blocks with depthwise 3x3 convs, ReLU6 and residual adds";

    protected override void Define(NetBuilder b)
    {
        var x = ConvBnAct(b, "features.0", b.Input, 16, 3, act: ActivationKind.ReLU6);
        int inChannels = 16, index = 1;
        foreach (var (t, c, n, s) in new[] { (1, 16, 1, 1), (4, 24, 2, 2), (4, 32, 2, 2), (4, 64, 1, 1) })
            for (int i = 0; i < n; i++)
            {
                x = ImageNetMobileNetV2.InvertedResidual(b, $"features.{index++}", x, inChannels, c, i == 0 ? s : 1, t);
                inChannels = c;
            }
        x = ConvBnAct(b, $"features.{index}", x, 128, 1, act: ActivationKind.ReLU6);
        x = b.GlobalPool("avgpool", x);
        x = b.Flatten("flatten", x);
        b.Linear("classifier.0", x, 10);
    }
}
