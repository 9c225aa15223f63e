using Hass.Torch.Models;

namespace Hass.Models.Onnx;

/// <summary>Zero padding: Pad nodes taken over by the layer that reads them, and a layer's own pads plus those.</summary>
internal sealed class OnnxPadding(OnnxImporter importer)
{
    private readonly Dictionary<string, Pads> _before = [];

    /// <summary>
    /// A Pad of zeros: nothing when all pads are 0 (PyTorch puts one before average pooling); otherwise rows and
    /// columns of zeros, taken over by the convolution or average pooling that alone reads it (e.g. nn.ZeroPad2d
    /// before a stride-2 convolution gives that convolution asymmetric pads).
    /// </summary>
    public void ZeroPad(OnnxNodeReader r)
    {
        var mode = r.String("mode", "constant");
        var pads = r.Ints("pads") ?? importer.Constant(r, 1)?.Ints ?? [];
        var value = importer.Constant(r, 2) is { Count: > 0 } fill ? fill.Floats[0] : r.Float("value", 0);
        if (mode != "constant") throw r.Unsupported("mode", mode, "constant (zero) padding only");
        if (value != 0) throw r.Unsupported("value", value.ToString("R"), "zero padding only");
        var input = importer.Activation(r, 0);
        if (pads.All(p => p == 0))
        {
            importer.Produce(r, input);
            return;
        }
        if (pads.Length != 8 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 || pads.Any(p => p < 0))
            throw r.Unsupported("pads", OnnxNodeReader.Format(pads), "non-negative padding of rows and columns only");
        if (importer.OnlyConsumer(r.Node) is not { OpType: "Conv" or "AveragePool" } consumer || consumer.Input[0] != r.Node.Output[0])
            throw r.Unsupported("pads", OnnxNodeReader.Format(pads), "non-zero padding only before a Conv or AveragePool that alone reads it");
        _before[r.Node.Output[0]] = new Pads((int)pads[2], (int)pads[3], (int)pads[6], (int)pads[7]);
        importer.Produce(r, input);
    }

    public Pads With(OnnxNodeReader r, Pads own) => _before.TryGetValue(r.Node.Input[0], out var p)
        ? new Pads(own.Top + p.Top, own.Left + p.Left, own.Bottom + p.Bottom, own.Right + p.Right)
        : own;
}
