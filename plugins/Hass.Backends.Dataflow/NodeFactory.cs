using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>Graph layers as <see cref="Node"/>s: shapes checked, feasible folding values listed (conv layers: <see cref="ConvNodeFactory"/>).</summary>
internal static class NodeFactory
{
    private static readonly int[] One = [1];

    public static Node Create(int index, Layer layer, int[] inputs, List<Node> earlier, LayerSparsity? sparsity, double denseBelow)
    {
        var inS = layer.InputShape;
        var outS = layer.OutputShape;
        if (inS.Channels <= 0 || inS.Rows <= 0 || inS.Cols <= 0 || outS.Channels <= 0 || outS.Rows <= 0 || outS.Cols <= 0)
            throw new ArgumentException($"layer '{layer.Name}': shapes must be positive (input {inS}, output {outS})");
        switch (layer.Kind)
        {
            case LayerKind.Input:
                return new Node
                {
                    Index = index, Layer = layer, Implementation = NodeImplementation.Input,
                    C = outS.Channels, H = outS.Rows, W = outS.Cols, F = outS.Channels, Ho = outS.Rows, Wo = outS.Cols, Hp = outS.Rows, Wp = outS.Cols,
                    CoarseIn = One, CoarseOut = One, CoarseGroup = One, Fine = One,
                };
            case LayerKind.Conv:
                return ConvNodeFactory.Create(index, layer, sparsity, denseBelow);
            case LayerKind.Linear:
                return Linear(index, layer);
            case LayerKind.MaxPool or LayerKind.AvgPool:
                return Pool(index, layer);
            case LayerKind.Concat:
                return Concat(index, layer, inputs, earlier);
            case LayerKind.Flatten:
                return Flatten(index, layer);
            case LayerKind.GlobalPool:
                return Simple(index, layer, NodeImplementation.GlobalPool, ResourcePrimitives.Divisors(inS.Channels), inS.Channels);
            case LayerKind.ReLU or LayerKind.ReLU6 or LayerKind.Hardswish or LayerKind.Hardsigmoid or LayerKind.LeakyReLU or LayerKind.Sigmoid:
                if (inS != outS) throw new ArgumentException($"layer '{layer.Name}' ({layer.Kind}): activations keep their shape (input {inS}, output {outS})");
                return Simple(index, layer, NodeImplementation.Activation, ResourcePrimitives.Divisors(inS.Channels), inS.Channels);
            case LayerKind.EltwiseAdd or LayerKind.EltwiseMul:
                if (inputs.Length < 2)
                    throw new ArgumentException($"layer '{layer.Name}' ({layer.Kind}): needs at least two inputs (got {inputs.Length})");
                return Simple(index, layer, layer.Kind == LayerKind.EltwiseAdd ? NodeImplementation.EltwiseAdd : NodeImplementation.EltwiseMul,
                    ResourcePrimitives.Divisors(inS.Channels), inS.Channels);
            default:
                throw new ArgumentException($"layer '{layer.Name}': layer kind {layer.Kind} is not supported by the dataflow backend");
        }
    }

    private static Node Linear(int index, Layer layer)
    {
        var inS = layer.InputShape;
        var outS = layer.OutputShape;
        int c = checked((int)inS.Elements);
        int f = outS.Channels;
        if (outS.Rows != 1 || outS.Cols != 1)
            throw new ArgumentException($"layer '{layer.Name}' (Linear): output must be F×1×1 (got {outS})");
        return new Node
        {
            Index = index, Layer = layer, Implementation = NodeImplementation.Linear,
            C = c, H = 1, W = 1, F = f, Ho = 1, Wo = 1, Hp = 1, Wp = 1,
            CoarseIn = ResourcePrimitives.Divisors(c), CoarseOut = ResourcePrimitives.Divisors(f), CoarseGroup = One, Fine = One,
        };
    }

    private static Node Pool(int index, Layer layer)
    {
        var inS = layer.InputShape;
        var outS = layer.OutputShape;
        int hp = inS.Rows + layer.PadTop + layer.PadBottom, wp = inS.Cols + layer.PadLeft + layer.PadRight;
        CheckWindowShape(layer, hp, wp);
        if (inS.Channels != outS.Channels)
            throw new ArgumentException($"layer '{layer.Name}' ({layer.Kind}): pooling keeps channels (input {inS}, output {outS})");
        var coarse = ResourcePrimitives.Divisors(inS.Channels);
        return new Node
        {
            Index = index, Layer = layer, Implementation = NodeImplementation.Pool,
            C = inS.Channels, H = inS.Rows, W = inS.Cols, F = outS.Channels, Ho = outS.Rows, Wo = outS.Cols, Hp = hp, Wp = wp,
            Kh = layer.KernelRows, Kw = layer.KernelCols, CoarseIn = coarse, CoarseOut = coarse, CoarseGroup = One, Fine = One,
        };
    }

    private static Node Concat(int index, Layer layer, int[] inputs, List<Node> earlier)
    {
        var inS = layer.InputShape;
        int total = 0, common = 0;
        foreach (var p in inputs)
        {
            var pc = earlier[p].F;
            total += pc;
            common = (int)ResourcePrimitives.Gcd(common, pc);
            if (earlier[p].Ho != inS.Rows || earlier[p].Wo != inS.Cols)
                throw new ArgumentException($"layer '{layer.Name}' (Concat): input '{earlier[p].Name}' is {earlier[p].Ho}×{earlier[p].Wo}, expected {inS.Rows}×{inS.Cols}");
        }
        if (total != layer.OutputShape.Channels)
            throw new ArgumentException($"layer '{layer.Name}' (Concat): inputs carry {total} channels but the output has {layer.OutputShape.Channels}");
        return Simple(index, layer, NodeImplementation.Concat, ResourcePrimitives.Divisors(common), total);
    }

    private static Node Flatten(int index, Layer layer)
    {
        var inS = layer.InputShape;
        var outS = layer.OutputShape;
        if (outS.Elements != inS.Elements)
            throw new ArgumentException($"layer '{layer.Name}' (Flatten): output {outS} must hold the {inS.Elements} input elements");
        var coarse = ResourcePrimitives.Divisors(inS.Channels);
        return new Node
        {
            Index = index, Layer = layer, Implementation = NodeImplementation.Flatten,
            C = inS.Channels, H = inS.Rows, W = inS.Cols, F = outS.Channels, Ho = outS.Rows, Wo = outS.Cols, Hp = inS.Rows, Wp = inS.Cols,
            CoarseIn = coarse, CoarseOut = coarse, CoarseGroup = One, Fine = One,
        };
    }

    private static Node Simple(int index, Layer layer, NodeImplementation impl, int[] coarse, int channels) => new()
    {
        Index = index, Layer = layer, Implementation = impl,
        C = channels, H = layer.InputShape.Rows, W = layer.InputShape.Cols, F = layer.OutputShape.Channels,
        Ho = layer.OutputShape.Rows, Wo = layer.OutputShape.Cols, Hp = layer.InputShape.Rows, Wp = layer.InputShape.Cols,
        CoarseIn = coarse, CoarseOut = coarse, CoarseGroup = [1], Fine = [1],
    };

    internal static void CheckWindowShape(Layer layer, int hp, int wp)
    {
        if (layer.KernelRows <= 0 || layer.KernelCols <= 0 || layer.StrideRows <= 0 || layer.StrideCols <= 0)
            throw new ArgumentException($"layer '{layer.Name}' ({layer.Kind}): kernel and stride must be positive");
        int ho = (hp - layer.KernelRows) / layer.StrideRows + 1, wo = (wp - layer.KernelCols) / layer.StrideCols + 1;
        if (ho != layer.OutputShape.Rows || wo != layer.OutputShape.Cols)
            throw new ArgumentException($"layer '{layer.Name}' ({layer.Kind}): output {layer.OutputShape.Rows}×{layer.OutputShape.Cols} does not match input {layer.InputShape.Rows}×{layer.InputShape.Cols}, kernel {layer.KernelRows}×{layer.KernelCols}, stride {layer.StrideRows}×{layer.StrideCols}, padding (expected {ho}×{wo})");
    }
}
