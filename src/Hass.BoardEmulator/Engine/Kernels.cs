using Hass.Abstractions;

namespace Hass.BoardEmulator.Engine;

/// <summary>The layer operations of the functional model, on C×H×W float arrays (row-major).</summary>
internal static class Kernels
{
    public static float[] Compute(LayerPlan plan, float[][] inputs, LayerPlan[] plans)
    {
        var l = plan.Layer;
        var x = inputs[0];
        switch (l.Kind)
        {
            case LayerKind.Conv: return Conv(plan, x, null);
            case LayerKind.Linear: return Linear(plan, x);
            case LayerKind.MaxPool: return Pool(l, x, max: true);
            case LayerKind.AvgPool: return Pool(l, x, max: false);
            case LayerKind.GlobalPool: return GlobalPool(l, x);
            case LayerKind.ReLU: return Map(x, v => v > plan.Threshold ? v : 0f);
            case LayerKind.ReLU6: return Map(x, v => v > plan.Threshold ? Math.Min(v, 6f) : 0f);
            case LayerKind.Hardswish: return Map(x, v => v * Math.Clamp(v + 3f, 0f, 6f) / 6f);
            case LayerKind.Hardsigmoid: return Map(x, v => Math.Clamp(v + 3f, 0f, 6f) / 6f);
            case LayerKind.LeakyReLU:
                float slope = (float)(l.NegativeSlope ?? 0.01);
                return Map(x, v => v > 0 ? v : slope * v);
            case LayerKind.Sigmoid: return Map(x, v => 1f / (1f + MathF.Exp(-v)));
            case LayerKind.Flatten: return (float[])x.Clone();
            case LayerKind.EltwiseAdd:
            {
                var y = (float[])x.Clone();
                for (int k = 1; k < inputs.Length; k++)
                {
                    Require(inputs[k].Length == y.Length, l, $"input {k} has {inputs[k].Length} values, input 0 has {y.Length}");
                    for (int j = 0; j < y.Length; j++) y[j] += inputs[k][j];
                }
                return y;
            }
            case LayerKind.EltwiseMul:
            {
                var y = (float[])x.Clone();
                for (int k = 1; k < inputs.Length; k++)
                {
                    var b = inputs[k];
                    if (b.Length == y.Length) { for (int j = 0; j < y.Length; j++) y[j] *= b[j]; continue; }
                    int channels = l.OutputShape.Channels, plane = l.OutputShape.Rows * l.OutputShape.Cols;
                    Require(b.Length == channels, l, $"broadcast input has {b.Length} values, expected {channels} (C×1×1)");
                    for (int c = 0; c < channels; c++) for (int j = 0; j < plane; j++) y[c * plane + j] *= b[c];
                }
                return y;
            }
            case LayerKind.Concat:
            {
                var y = new float[inputs.Sum(a => a.Length)];
                int at = 0;
                foreach (var a in inputs) { a.CopyTo(y, at); at += a.Length; }
                return y;
            }
            default:
                throw new DesignRejectedException($"layer '{l.Name}': the emulator cannot run {l.Kind}");
        }
    }

    private static void Require(bool ok, Layer l, string problem)
    {
        if (!ok) throw new DesignRejectedException($"layer '{l.Name}' ({l.Kind}): {problem}");
    }

    private static float[] Map(float[] x, Func<float, float> f)
    {
        var y = new float[x.Length];
        for (int j = 0; j < x.Length; j++) y[j] = f(x[j]);
        return y;
    }

    /// <summary>
    /// Convolution (groups, stride, zero padding, bias). With <paramref name="rowCycles"/> it also counts the
    /// sparse cycle model: for each output row, per (stream, output lane) unit, Σ over windows, the unit's
    /// filters and its channels of ceil(nnz/fine) (0 when nnz = 0); the row takes the slowest unit or the
    /// data-movement bound, whichever is larger.
    /// </summary>
    /// <param name="histogram">When given (C×(K+1), row-major), counts for every (window, filter, input channel) the number of zero products.</param>
    public static float[] Conv(LayerPlan plan, float[] x, double[]? rowCycles, long[]? histogram = null)
    {
        var l = plan.Layer;
        var w = plan.Weights!;
        int channels = l.InputShape.Channels, h = l.InputShape.Rows, wi = l.InputShape.Cols;
        int filters = l.Filters, ho = l.OutputShape.Rows, wo = l.OutputShape.Cols;
        int groups = Math.Max(1, l.Groups), cg = channels / groups, fg = filters / groups;
        int kh = l.KernelRows, kw = l.KernelCols, sh = l.StrideRows, sw = l.StrideCols, pt = l.PadTop, pl = l.PadLeft;
        Require(x.Length == channels * h * wi, l, $"input has {x.Length} values, shape {l.InputShape}");
        var y = new float[filters * ho * wo];
        int fine = plan.Folding.Fine, lanes = plan.Folding.CoarseOut;
        int units = plan.Streams * lanes;
        double[]? counters = rowCycles is null ? null : new double[units];
        for (int oy = 0; oy < ho; oy++)
        {
            if (counters is not null) Array.Clear(counters);
            for (int g = 0; g < groups; g++)
            for (int fo = 0; fo < fg; fo++)
            {
                int f = g * fg + fo, lane = fo % lanes;
                float b = plan.Bias?[f] ?? 0f;
                for (int ox = 0; ox < wo; ox++)
                {
                    float acc = b;
                    for (int cl = 0; cl < cg; cl++)
                    {
                        int c = g * cg + cl, nnz = 0;
                        int wBase = (f * cg + cl) * kh * kw, xBase = c * h * wi;
                        for (int ky = 0; ky < kh; ky++)
                        {
                            int iy = oy * sh - pt + ky;
                            if ((uint)iy >= (uint)h) continue;
                            for (int kx = 0; kx < kw; kx++)
                            {
                                int ix = ox * sw - pl + kx;
                                if ((uint)ix >= (uint)wi) continue;
                                float a = x[xBase + iy * wi + ix], k = w[wBase + ky * kw + kx];
                                acc += a * k;
                                if (a != 0f && k != 0f) nnz++;
                            }
                        }
                        if (counters is not null && nnz > 0) counters[plan.StreamOf[c] * lanes + lane] += (nnz + fine - 1) / fine;
                        if (histogram is not null) histogram[c * (kh * kw + 1) + kh * kw - nnz]++;
                    }
                    y[(f * ho + oy) * wo + ox] = acc;
                }
            }
            if (rowCycles is not null)
            {
                double compute = counters!.Max();
                double dataIn = (double)h * wi * channels / plan.Streams / ho;
                double dataOut = (double)wo * filters / (plan.Folding.CoarseOut * plan.Folding.CoarseGroup);
                rowCycles[oy] = Math.Max(compute, Math.Max(dataIn, dataOut));
            }
        }
        return y;
    }

    private static float[] Linear(LayerPlan plan, float[] x)
    {
        var l = plan.Layer;
        var w = plan.Weights!;
        int inputs = (int)l.InputShape.Elements, outputs = l.Filters;
        Require(x.Length == inputs, l, $"input has {x.Length} values, expected {inputs}");
        var y = new float[outputs];
        for (int o = 0; o < outputs; o++)
        {
            float acc = plan.Bias?[o] ?? 0f;
            int row = o * inputs;
            for (int j = 0; j < inputs; j++) acc += w[row + j] * x[j];
            y[o] = acc;
        }
        return y;
    }

    private static float[] Pool(Layer l, float[] x, bool max)
    {
        int channels = l.InputShape.Channels, h = l.InputShape.Rows, wi = l.InputShape.Cols;
        int ho = l.OutputShape.Rows, wo = l.OutputShape.Cols;
        Require(x.Length == channels * h * wi, l, $"input has {x.Length} values, shape {l.InputShape}");
        var y = new float[channels * ho * wo];
        for (int c = 0; c < channels; c++)
        for (int oy = 0; oy < ho; oy++)
        for (int ox = 0; ox < wo; ox++)
        {
            float acc = max ? float.NegativeInfinity : 0f;
            for (int ky = 0; ky < l.KernelRows; ky++)
            {
                int iy = oy * l.StrideRows - l.PadTop + ky;
                if ((uint)iy >= (uint)h) continue;
                for (int kx = 0; kx < l.KernelCols; kx++)
                {
                    int ix = ox * l.StrideCols - l.PadLeft + kx;
                    if ((uint)ix >= (uint)wi) continue;
                    float v = x[(c * h + iy) * wi + ix];
                    acc = max ? Math.Max(acc, v) : acc + v;
                }
            }
            y[(c * ho + oy) * wo + ox] = max ? acc : acc / l.KernelSize;
        }
        return y;
    }

    private static float[] GlobalPool(Layer l, float[] x)
    {
        int channels = l.InputShape.Channels, plane = l.InputShape.Rows * l.InputShape.Cols;
        Require(x.Length == channels * plane, l, $"input has {x.Length} values, shape {l.InputShape}");
        var y = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double s = 0;
            for (int j = 0; j < plane; j++) s += x[c * plane + j];
            y[c] = (float)(s / plane);
        }
        return y;
    }
}
