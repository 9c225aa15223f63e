using Hass.Models.Onnx.Proto;
using Hass.Torch.Models;
using Hass.Torch.Training;

namespace Hass.Models.Onnx;

/// <summary>
/// Reads one node's attributes and remembers which were read, so an attribute the importer does not know
/// becomes an error naming the node, the op and the attribute instead of a silently different network.
/// </summary>
internal sealed class OnnxNodeReader(NodeProto node, string path)
{
    private readonly HashSet<string> _read = [];

    public NodeProto Node => node;
    public string Op => node.OpType;

    public ModelException Error(string what) =>
        new($"onnx model '{path}': node '{node.Name}' ({node.OpType}): {what}");

    public ModelException Unsupported(string attribute, string value, string supported) =>
        Error($"attribute '{attribute}' = {value} is not supported ({supported})");

    public long Int(string name, long fallback) => Find(name) is { } a ? a.I : fallback;
    public float Float(string name, float fallback) => Find(name) is { } a ? a.F : fallback;
    public string String(string name, string fallback) => Find(name) is { } a ? a.S.ToStringUtf8() : fallback;
    public long[]? Ints(string name) => Find(name)?.Ints.ToArray();
    public TensorProto? Tensor(string name) => Find(name)?.T;

    /// <summary>A list attribute whose entries must all be equal (square kernels, equal strides); null when absent.</summary>
    public int? Square(string name, string supported)
    {
        var values = Ints(name);
        if (values is null || values.Length == 0) return null;
        if (values.Any(v => v != values[0]) || values.Length != 2)
            throw Unsupported(name, Format(values), supported);
        return (int)values[0];
    }

    /// <summary>Pads [top, left, bottom, right], sides may differ; zeros when absent.</summary>
    public Pads Pads()
    {
        var pads = Ints("pads");
        if (pads is null) return default;
        if (pads.Length != 4 || pads.Any(p => p < 0))
            throw Unsupported("pads", Format(pads), "four non-negative values: top, left, bottom, right");
        return new Pads((int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3]);
    }

    public void RequireOnes(string name)
    {
        var values = Ints(name);
        if (values is not null && values.Any(v => v != 1)) throw Unsupported(name, Format(values), "1 only");
    }

    public void RequireAutoPadNotSet()
    {
        var autoPad = String("auto_pad", "NOTSET");
        if (autoPad is not ("NOTSET" or "VALID" or "")) throw Unsupported("auto_pad", autoPad, "explicit pads only");
    }

    /// <summary>Throws for the first attribute no handler read.</summary>
    public void CheckAllRead()
    {
        var unread = node.Attribute.FirstOrDefault(a => !_read.Contains(a.Name));
        if (unread is not null) throw Error($"attribute '{unread.Name}' is not supported");
    }

    public static string Format(long[] values) => "[" + string.Join(", ", values) + "]";

    private AttributeProto? Find(string name)
    {
        _read.Add(name);
        return node.Attribute.FirstOrDefault(a => a.Name == name);
    }
}
