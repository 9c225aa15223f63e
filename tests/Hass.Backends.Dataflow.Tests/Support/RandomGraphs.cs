using Hass.Abstractions;

namespace Hass.Backends.TestSupport;

/// <summary>Seeded random small CNNs: conv/activation/pool chains with residual adds, grouped and depthwise convs.</summary>
public static class RandomGraphs
{
    public static NetworkGraph Create(int seed)
    {
        var rng = new Random(seed);
        var b = new GraphBuilder($"random-{seed}");
        int size = rng.Next(3) switch { 0 => 16, 1 => 28, _ => 32 };
        var x = b.Input(rng.Next(2) == 0 ? 1 : 3, size, size);
        int layers = rng.Next(3, 8);
        for (int i = 0; i < layers; i++)
        {
            var shape = b.ShapeOf(x);
            int channels = new[] { 8, 16, 24, 32, 48 }[rng.Next(5)];
            int kernel = new[] { 1, 3, 3, 5 }[rng.Next(4)];
            int stride = shape.Rows >= 8 && rng.Next(4) == 0 ? 2 : 1;
            bool depthwise = rng.Next(5) == 0 && shape.Channels > 1;
            var y = depthwise
                ? b.Conv($"conv{i}", x, shape.Channels, kernel, stride, groups: shape.Channels)
                : b.Conv($"conv{i}", x, channels, kernel, stride, bias: rng.Next(2) == 0);
            y = b.Act($"act{i}", y, new[] { LayerKind.ReLU, LayerKind.ReLU6, LayerKind.Hardswish }[rng.Next(3)]);
            if (stride == 1 && b.ShapeOf(y) == shape && rng.Next(2) == 0) y = b.Eltwise($"add{i}", LayerKind.EltwiseAdd, y, x);
            else if (b.ShapeOf(y).Rows >= 8 && rng.Next(4) == 0) y = b.Pool($"pool{i}", y, rng.Next(2) == 0 ? LayerKind.MaxPool : LayerKind.AvgPool, 2, 2);
            x = y;
        }
        if (rng.Next(2) == 0)
        {
            x = b.GlobalPool("gap", x);
            x = b.Flatten("flatten", x);
        }
        else x = b.Flatten("flatten", x);
        b.Linear("fc", x, 10);
        return b.Build(10);
    }
}
