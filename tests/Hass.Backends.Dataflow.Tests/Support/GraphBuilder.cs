using Hass.Abstractions;

namespace Hass.Backends.TestSupport;

/// <summary>Compact builder of <see cref="NetworkGraph"/>s: each call appends a layer and returns its name.</summary>
public sealed class GraphBuilder
{
    private readonly string name;
    private readonly List<Layer> layers = [];
    private readonly Dictionary<string, TensorShape> shapes = new(StringComparer.Ordinal);

    public GraphBuilder(string name) => this.name = name;

    public TensorShape ShapeOf(string layer) => shapes[layer];

    private string Add(Layer layer)
    {
        layers.Add(layer);
        shapes[layer.Name] = layer.OutputShape;
        return layer.Name;
    }

    public string Input(int channels, int rows, int cols)
    {
        var s = new TensorShape(channels, rows, cols);
        return Add(new Layer { Name = "input", Kind = LayerKind.Input, InputShape = s, OutputShape = s });
    }

    public string Conv(string layer, string input, int filters, int kernel, int stride = 1, int pad = -1, int groups = 1, bool bias = false)
    {
        var i = shapes[input];
        if (pad < 0) pad = (kernel - 1) / 2;
        int rows = (i.Rows + 2 * pad - kernel) / stride + 1, cols = (i.Cols + 2 * pad - kernel) / stride + 1;
        return Add(new Layer
        {
            Name = layer, Kind = LayerKind.Conv, Inputs = [input], InputShape = i, OutputShape = new TensorShape(filters, rows, cols),
            KernelRows = kernel, KernelCols = kernel, StrideRows = stride, StrideCols = stride,
            PadTop = pad, PadBottom = pad, PadLeft = pad, PadRight = pad, Groups = groups, HasBias = bias,
        });
    }

    public string Act(string layer, string input, LayerKind kind)
    {
        var i = shapes[input];
        return Add(new Layer { Name = layer, Kind = kind, Inputs = [input], InputShape = i, OutputShape = i });
    }

    public string Pool(string layer, string input, LayerKind kind, int kernel, int stride, int pad = 0)
    {
        var i = shapes[input];
        int rows = (i.Rows + 2 * pad - kernel) / stride + 1, cols = (i.Cols + 2 * pad - kernel) / stride + 1;
        return Add(new Layer
        {
            Name = layer, Kind = kind, Inputs = [input], InputShape = i, OutputShape = new TensorShape(i.Channels, rows, cols),
            KernelRows = kernel, KernelCols = kernel, StrideRows = stride, StrideCols = stride,
            PadTop = pad, PadBottom = pad, PadLeft = pad, PadRight = pad,
        });
    }

    public string GlobalPool(string layer, string input)
    {
        var i = shapes[input];
        return Add(new Layer { Name = layer, Kind = LayerKind.GlobalPool, Inputs = [input], InputShape = i, OutputShape = new TensorShape(i.Channels, 1, 1) });
    }

    public string Eltwise(string layer, LayerKind kind, params string[] inputs)
    {
        var i = shapes[inputs[0]];
        return Add(new Layer { Name = layer, Kind = kind, Inputs = inputs, InputShape = i, OutputShape = i });
    }

    public string Concat(string layer, params string[] inputs)
    {
        var i = shapes[inputs[0]];
        int channels = inputs.Sum(x => shapes[x].Channels);
        return Add(new Layer { Name = layer, Kind = LayerKind.Concat, Inputs = inputs, InputShape = i, OutputShape = new TensorShape(channels, i.Rows, i.Cols) });
    }

    public string Flatten(string layer, string input)
    {
        var i = shapes[input];
        return Add(new Layer { Name = layer, Kind = LayerKind.Flatten, Inputs = [input], InputShape = i, OutputShape = new TensorShape((int)i.Elements, 1, 1) });
    }

    public string Linear(string layer, string input, int outFeatures, bool bias = true)
    {
        var i = shapes[input];
        return Add(new Layer { Name = layer, Kind = LayerKind.Linear, Inputs = [input], InputShape = i, OutputShape = new TensorShape(outFeatures, 1, 1), HasBias = bias });
    }

    public NetworkGraph Build(int classes) => new() { Name = name, Layers = layers.ToList(), Classes = classes };
}
