using Hass.Abstractions;

namespace Hass.Backends.TestSupport;

/// <summary>
/// fpgaConvNet's partition pipeline depth (metrics v1), for comparison with the row pipeline the backend uses:
/// depth = Σ over the nodes j of the longest path (a chain here) of pd_j / rate_in_j + (interval / size_in_j) · Π_{k≤j} size_in_k / size_out_k,
/// with size_in = H·W·C / streams_in, size_out = Ho·Wo·F / streams_out and the layer pipeline depth pd of the module chain:
/// sliding window (kh−1)·Wp·Cs + (kw−1)·Cs, vector dot ⌊log2 f⌋ + 1, accumulator Ca·Fv, glue ci. Rate balancing is not
/// modelled (rate_in = 1: the cases use f = K, where the conv modules all run at one word per cycle).
/// </summary>
public static class ReferencePipelineDepth
{
    public static double Of(NetworkGraph chain, IReadOnlyDictionary<string, LayerFolding> folding, double interval)
    {
        double depth = 0, sizeRatio = 1;
        foreach (var layer in chain.Layers.Where(l => l.Kind != LayerKind.Input))
        {
            var f = folding.GetValueOrDefault(layer.Name) ?? LayerFolding.Unit;
            var (inShape, outShape) = (layer.InputShape, layer.OutputShape);
            double streamsIn = f.CoarseIn * f.CoarseGroup, streamsOut = layer.Kind is LayerKind.Conv or LayerKind.Linear ? f.CoarseOut * f.CoarseGroup : f.CoarseIn * f.CoarseGroup;
            double sizeIn = (double)inShape.Rows * inShape.Cols * inShape.Channels / streamsIn;
            double sizeOut = (double)outShape.Rows * outShape.Cols * outShape.Channels / streamsOut;
            sizeRatio *= sizeIn / sizeOut;
            depth += LayerDepth(layer, f) + interval / sizeIn * sizeRatio;
        }
        return depth;
    }

    private static double LayerDepth(Layer l, LayerFolding f)
    {
        int cs = l.InputShape.Channels / (f.CoarseIn * f.CoarseGroup);
        int wp = l.InputShape.Cols + l.PadLeft + l.PadRight;
        double window = (l.KernelRows - 1) * (double)wp * cs + (l.KernelCols - 1) * (double)cs;
        return l.Kind switch
        {
            LayerKind.Conv => window + Math.Floor(Math.Log2(f.Fine)) + 1
                              + (double)(l.InputShape.Channels * l.KernelSize / (f.Fine * f.CoarseIn * f.CoarseGroup)) * (l.Filters / (f.CoarseOut * l.Groups))
                              + f.CoarseIn,
            LayerKind.Linear => 1 + (double)(l.InputShape.Elements / f.CoarseIn) * (l.Filters / f.CoarseOut) + f.CoarseIn,
            LayerKind.MaxPool or LayerKind.AvgPool => window,
            _ => 0,
        };
    }
}
