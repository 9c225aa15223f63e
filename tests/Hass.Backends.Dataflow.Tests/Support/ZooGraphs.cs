using Hass.Abstractions;

namespace Hass.Backends.TestSupport;

/// <summary>
/// Pure-C# graphs of the zoo networks (224×224 TorchVision layouts, batch-norm folded into the convs, layer names
/// = TorchVision module paths; a module applied twice gets "_1", "_2" suffixes; residual adds are "&lt;block&gt;.add").
/// </summary>
public static class ZooGraphs
{
    public static NetworkGraph ByName(string name) => name switch
    {
        "resnet18" => ResNet18(),
        "resnet50" => ResNet50(),
        "mobilenet-v2" => MobileNetV2(),
        "mobilenet-v3-large" => MobileNetV3Large(),
        "fmnist-cnn" => FashionMnistCnn(),
        _ => throw new ArgumentException($"no test graph '{name}'"),
    };

    public static readonly string[] ImageNetModels = ["resnet18", "resnet50", "mobilenet-v2", "mobilenet-v3-large"];

    /// <summary>A small VGG-style Fashion-MNIST CNN (1×28×28, 10 classes).</summary>
    public static NetworkGraph FashionMnistCnn()
    {
        var b = new GraphBuilder("fmnist-cnn");
        var x = b.Input(1, 28, 28);
        x = b.Conv("features.0", x, 32, 3, bias: true);
        x = b.Act("features.1", x, LayerKind.ReLU);
        x = b.Conv("features.2", x, 32, 3, bias: true);
        x = b.Act("features.3", x, LayerKind.ReLU);
        x = b.Pool("features.4", x, LayerKind.MaxPool, 2, 2);
        x = b.Conv("features.5", x, 64, 3, bias: true);
        x = b.Act("features.6", x, LayerKind.ReLU);
        x = b.Conv("features.7", x, 64, 3, bias: true);
        x = b.Act("features.8", x, LayerKind.ReLU);
        x = b.Pool("features.9", x, LayerKind.MaxPool, 2, 2);
        x = b.Flatten("flatten", x);
        x = b.Linear("classifier.0", x, 128);
        x = b.Act("classifier.1", x, LayerKind.ReLU);
        b.Linear("classifier.2", x, 10);
        return b.Build(10);
    }

    public static NetworkGraph ResNet18() => ResNet("resnet18", bottleneck: false, [2, 2, 2, 2]);
    public static NetworkGraph ResNet50() => ResNet("resnet50", bottleneck: true, [3, 4, 6, 3]);

    private static NetworkGraph ResNet(string name, bool bottleneck, int[] blocks)
    {
        var b = new GraphBuilder(name);
        var x = b.Input(3, 224, 224);
        x = b.Conv("conv1", x, 64, 7, 2, 3);
        x = b.Act("relu", x, LayerKind.ReLU);
        x = b.Pool("maxpool", x, LayerKind.MaxPool, 3, 2, 1);
        int inPlanes = 64, expansion = bottleneck ? 4 : 1;
        for (int stage = 0; stage < 4; stage++)
        {
            int planes = 64 << stage;
            for (int i = 0; i < blocks[stage]; i++)
            {
                string p = $"layer{stage + 1}.{i}";
                int stride = stage > 0 && i == 0 ? 2 : 1;
                var identity = x;
                string y;
                if (bottleneck)
                {
                    y = b.Conv($"{p}.conv1", x, planes, 1);
                    y = b.Act($"{p}.relu", y, LayerKind.ReLU);
                    y = b.Conv($"{p}.conv2", y, planes, 3, stride);
                    y = b.Act($"{p}.relu_1", y, LayerKind.ReLU);
                    y = b.Conv($"{p}.conv3", y, planes * expansion, 1);
                }
                else
                {
                    y = b.Conv($"{p}.conv1", x, planes, 3, stride);
                    y = b.Act($"{p}.relu", y, LayerKind.ReLU);
                    y = b.Conv($"{p}.conv2", y, planes, 3);
                }
                if (stride != 1 || inPlanes != planes * expansion)
                    identity = b.Conv($"{p}.downsample.0", x, planes * expansion, 1, stride, 0);
                y = b.Eltwise($"{p}.add", LayerKind.EltwiseAdd, y, identity);
                x = b.Act(bottleneck ? $"{p}.relu_2" : $"{p}.relu_1", y, LayerKind.ReLU);
                inPlanes = planes * expansion;
            }
        }
        x = b.GlobalPool("avgpool", x);
        x = b.Flatten("flatten", x);
        b.Linear("fc", x, 1000);
        return b.Build(1000);
    }

    public static NetworkGraph MobileNetV2()
    {
        var b = new GraphBuilder("mobilenet-v2");
        var x = b.Input(3, 224, 224);
        x = b.Conv("features.0.0", x, 32, 3, 2);
        x = b.Act("features.0.2", x, LayerKind.ReLU6);
        int input = 32, index = 1;
        int[][] settings = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];
        foreach (var s in settings)
        {
            int t = s[0], c = s[1], n = s[2], firstStride = s[3];
            for (int i = 0; i < n; i++, index++)
            {
                int stride = i == 0 ? firstStride : 1;
                string p = $"features.{index}.conv";
                int hidden = input * t;
                var y = x;
                int part = 0;
                if (t != 1)
                {
                    y = b.Conv($"{p}.0.0", y, hidden, 1);
                    y = b.Act($"{p}.0.2", y, LayerKind.ReLU6);
                    part = 1;
                }
                y = b.Conv($"{p}.{part}.0", y, hidden, 3, stride, groups: hidden);
                y = b.Act($"{p}.{part}.2", y, LayerKind.ReLU6);
                y = b.Conv($"{p}.{part + 1}", y, c, 1);
                if (stride == 1 && input == c) y = b.Eltwise($"features.{index}.add", LayerKind.EltwiseAdd, y, x);
                x = y;
                input = c;
            }
        }
        x = b.Conv("features.18.0", x, 1280, 1);
        x = b.Act("features.18.2", x, LayerKind.ReLU6);
        x = b.GlobalPool("avgpool", x);
        x = b.Flatten("flatten", x);
        b.Linear("classifier.1", x, 1000);
        return b.Build(1000);
    }

    private static int MakeDivisible(double v, int divisor = 8)
    {
        int n = Math.Max(divisor, (int)(v + divisor / 2.0) / divisor * divisor);
        return n < 0.9 * v ? n + divisor : n;
    }

    public static NetworkGraph MobileNetV3Large()
    {
        var b = new GraphBuilder("mobilenet-v3-large");
        var x = b.Input(3, 224, 224);
        x = b.Conv("features.0.0", x, 16, 3, 2);
        x = b.Act("features.0.2", x, LayerKind.Hardswish);
        // input, kernel, expanded, out, squeeze-excite, hardswish, stride
        (int In, int K, int Exp, int Out, bool Se, bool Hs, int Stride)[] blocks =
        [
            (16, 3, 16, 16, false, false, 1), (16, 3, 64, 24, false, false, 2), (24, 3, 72, 24, false, false, 1),
            (24, 5, 72, 40, true, false, 2), (40, 5, 120, 40, true, false, 1), (40, 5, 120, 40, true, false, 1),
            (40, 3, 240, 80, false, true, 2), (80, 3, 200, 80, false, true, 1), (80, 3, 184, 80, false, true, 1),
            (80, 3, 184, 80, false, true, 1), (80, 3, 480, 112, true, true, 1), (112, 3, 672, 112, true, true, 1),
            (112, 5, 672, 160, true, true, 2), (160, 5, 960, 160, true, true, 1), (160, 5, 960, 160, true, true, 1),
        ];
        for (int i = 0; i < blocks.Length; i++)
        {
            var c = blocks[i];
            string p = $"features.{i + 1}.block";
            var act = c.Hs ? LayerKind.Hardswish : LayerKind.ReLU;
            var y = x;
            int part = 0;
            if (c.Exp != c.In)
            {
                y = b.Conv($"{p}.0.0", y, c.Exp, 1);
                y = b.Act($"{p}.0.2", y, act);
                part = 1;
            }
            y = b.Conv($"{p}.{part}.0", y, c.Exp, c.K, c.Stride, groups: c.Exp);
            y = b.Act($"{p}.{part}.2", y, act);
            part++;
            if (c.Se)
            {
                string se = $"{p}.{part}";
                int squeeze = MakeDivisible(c.Exp / 4);
                var s = b.GlobalPool($"{se}.avgpool", y);
                s = b.Conv($"{se}.fc1", s, squeeze, 1, bias: true);
                s = b.Act($"{se}.relu", s, LayerKind.ReLU);
                s = b.Conv($"{se}.fc2", s, c.Exp, 1, bias: true);
                s = b.Act($"{se}.scale_activation", s, LayerKind.Hardsigmoid);
                y = b.Eltwise($"{se}.mul", LayerKind.EltwiseMul, y, s);
                part++;
            }
            y = b.Conv($"{p}.{part}.0", y, c.Out, 1);
            if (c.Stride == 1 && c.In == c.Out) y = b.Eltwise($"features.{i + 1}.add", LayerKind.EltwiseAdd, y, x);
            x = y;
        }
        x = b.Conv("features.16.0", x, 960, 1);
        x = b.Act("features.16.2", x, LayerKind.Hardswish);
        x = b.GlobalPool("avgpool", x);
        x = b.Flatten("flatten", x);
        x = b.Linear("classifier.0", x, 1280);
        x = b.Act("classifier.1", x, LayerKind.Hardswish);
        b.Linear("classifier.3", x, 1000);
        return b.Build(1000);
    }
}
