using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>
/// Conv layers as <see cref="Node"/>s: dense, or sparse (1×1: pointwise sparse) when the profile's histogram says
/// the layer is sparse enough; the profile's statistics are checked against the layer's shape first.
/// </summary>
internal static class ConvNodeFactory
{
    public static Node Create(int index, Layer layer, LayerSparsity? sparsity, double denseBelow)
    {
        var inS = layer.InputShape;
        var outS = layer.OutputShape;
        int c = inS.Channels, f = outS.Channels, g = layer.Groups, k = layer.KernelSize;
        if (g <= 0 || c % g != 0 || f % g != 0)
            throw new ArgumentException($"layer '{layer.Name}' (Conv): groups {g} must divide input channels {c} and filters {f}");
        int hp = inS.Rows + layer.PadTop + layer.PadBottom, wp = inS.Cols + layer.PadLeft + layer.PadRight;
        NodeFactory.CheckWindowShape(layer, hp, wp);
        var impl = NodeImplementation.DenseConv;
        double[][]? hist = null, filterNonZeros = null;
        double[][][]? rowHist = null;
        double meanZero = 0;
        if (sparsity is not null)
        {
            ValidateHistogram(layer, sparsity);
            if (sparsity.MeanSparsity() >= denseBelow)
            {
                impl = k == 1 ? NodeImplementation.PointwiseSparseConv : NodeImplementation.SparseConv;
                hist = sparsity.Histogram;
                (rowHist, filterNonZeros) = LaneStatistics(layer, sparsity);
                if (k == 1)
                {
                    double sum = 0;
                    foreach (var row in hist) sum += row[1];
                    meanZero = sum / c;
                }
            }
        }
        int[] fine = impl switch
        {
            NodeImplementation.SparseConv => Enumerable.Range(1, k).ToArray(),
            NodeImplementation.PointwiseSparseConv => [1],
            _ => ResourcePrimitives.Divisors(k),
        };
        return new Node
        {
            Index = index, Layer = layer, Implementation = impl,
            C = c, H = inS.Rows, W = inS.Cols, F = f, Ho = outS.Rows, Wo = outS.Cols, Hp = hp, Wp = wp,
            Kh = layer.KernelRows, Kw = layer.KernelCols, G = g,
            CoarseIn = ResourcePrimitives.Divisors(c / g), CoarseOut = ResourcePrimitives.Divisors(f / g),
            CoarseGroup = ResourcePrimitives.Divisors(g), Fine = fine,
            Histogram = hist, MeanZeroFraction = meanZero, RowHistogram = rowHist, FilterNonZeros = filterNonZeros,
            RowNonZeroVariance = rowHist is null ? null : sparsity!.RowNonZeroVariance, RowTotalNonZeroVariance = rowHist is null ? null : sparsity!.RowTotalNonZeroVariance,
            RowNonZeroSamples = rowHist is null ? null : sparsity!.RowNonZeroSamples,
            FilterZeroHistogram = rowHist is null ? null : sparsity!.FilterZeroHistogram,
        };
    }

    /// <summary>The profile's per-row histogram and per-filter table, checked against the layer's shape.</summary>
    private static (double[][][]?, double[][]?) LaneStatistics(Layer layer, LayerSparsity s)
    {
        int rows = layer.OutputShape.Rows, channels = layer.InputShape.Channels, filters = layer.OutputShape.Channels / layer.Groups, bins = layer.KernelSize + 1;
        if (s.RowHistogram is { } r && (r.Length != rows || r.Any(row => row is null || row.Length != channels || row.Any(b => b is null || b.Length != bins))))
            throw new ArgumentException($"sparsity profile, layer '{layer.Name}': rowHistogram must be {rows}×{channels}×{bins} (output rows × input channels × K+1); re-profile the model for this graph");
        if (s.FilterNonZeros is { } f && (f.Length != channels || f.Any(row => row is null || row.Length != filters)))
            throw new ArgumentException($"sparsity profile, layer '{layer.Name}': filterNonZeros must be {channels}×{filters} (input channels × filters per group); re-profile the model for this graph");
        if (s.RowNonZeroVariance is { } v && (v.Length != rows || v.Any(row => row is null || row.Length != channels || row.Any(x => !(x >= 0)))))
            throw new ArgumentException($"sparsity profile, layer '{layer.Name}': rowNonZeroVariance must be {rows}×{channels} (output rows × input channels) of non-negative numbers; re-profile the model for this graph");
        if (s.RowTotalNonZeroVariance is { } t && (t.Length != rows || t.Any(x => !(x >= 0))))
            throw new ArgumentException($"sparsity profile, layer '{layer.Name}': rowTotalNonZeroVariance must hold {rows} non-negative numbers (one per output row); re-profile the model for this graph");
        if (s.RowNonZeroSamples is { } samples && (samples.Length == 0 || samples.Any(image => image is null || image.Length != rows
                || image.Any(row => row is null || row.Length != channels || row.Any(x => x < 0)))))
            throw new ArgumentException($"sparsity profile, layer '{layer.Name}': rowNonZeroSamples must be images×{rows}×{channels} (sample images × output rows × input channels) of non-negative counts, at least one image; re-profile the model for this graph");
        if (s.FilterZeroHistogram is { } h && (h.Length != channels || h.Any(row => row is null || row.Length != filters
                || row.Any(b => b is null || b.Length != bins || b.Any(x => !(x >= 0 && x <= 1 + 1e-9))))))
            throw new ArgumentException($"sparsity profile, layer '{layer.Name}': filterZeroHistogram must be {channels}×{filters}×{bins} (input channels × filters per group × K+1) of fractions in [0, 1]; re-profile the model for this graph");
        return (s.RowHistogram, s.FilterNonZeros);
    }

    private static void ValidateHistogram(Layer layer, LayerSparsity s)
    {
        int k = layer.KernelSize;
        if (s.KernelSize != k)
            throw new ArgumentException($"sparsity profile, layer '{layer.Name}': kernelSize {s.KernelSize} but the graph layer has a {layer.KernelRows}×{layer.KernelCols} kernel; re-profile the model for this graph");
        if (s.Histogram.Length != layer.InputShape.Channels)
            throw new ArgumentException($"sparsity profile, layer '{layer.Name}': histogram has {s.Histogram.Length} rows but the layer has {layer.InputShape.Channels} input channels; re-profile the model for this graph");
        for (int ch = 0; ch < s.Histogram.Length; ch++)
        {
            var row = s.Histogram[ch];
            if (row is null || row.Length != k + 1)
                throw new ArgumentException($"sparsity profile, layer '{layer.Name}': histogram row {ch} must have {k + 1} bins (K+1), got {row?.Length ?? 0}");
            double sum = 0;
            foreach (var p in row)
            {
                if (!(p >= 0 && p <= 1 + 1e-9))
                    throw new ArgumentException($"sparsity profile, layer '{layer.Name}': histogram row {ch} has a bin outside [0, 1] ({p})");
                sum += p;
            }
            if (Math.Abs(sum - 1) > 1e-3)
                throw new ArgumentException($"sparsity profile, layer '{layer.Name}': histogram row {ch} sums to {sum:G6}, not 1; rows must be normalised");
        }
    }
}
