namespace Hass.Models.Onnx;

/// <summary>
/// Evaluates the small shape computations PyTorch exports on constants — e.g. F.pad / nn.ZeroPad2d at opset ≥ 11
/// build the Pad node's pads with ConstantOfShape, Concat, Reshape, Slice (reversed), Transpose and Cast — so
/// the node that uses the result sees a plain constant. Only nodes whose every input is a constant are folded;
/// anything beyond the cases below is an error naming the node.
/// </summary>
internal static class OnnxConstantFolding
{
    public static readonly HashSet<string> Ops = ["ConstantOfShape", "Concat", "Reshape", "Slice", "Transpose", "Cast", "Unsqueeze", "Squeeze"];

    public static OnnxConstant Fold(OnnxNodeReader r, IReadOnlyList<OnnxConstant> inputs) => r.Op switch
    {
        "ConstantOfShape" => Filled(r, inputs[0]),
        "Concat" => Concat(r, inputs),
        "Reshape" => Reshape(r, inputs[0], inputs[1].Ints),
        "Slice" => Slice(r, inputs),
        "Transpose" => Transpose(r, inputs[0]),
        "Cast" => Cast(r, inputs[0]),
        "Unsqueeze" or "Squeeze" => Squeeze(r, inputs),
        _ => throw r.Error("cannot be evaluated on constants"),
    };

    private static OnnxConstant Filled(OnnxNodeReader r, OnnxConstant shape)
    {
        var value = r.Tensor("value") is { } t ? OnnxModelFile.Decode(t, "") : new OnnxConstant([1], [0], [0]);
        long count = shape.Ints.Aggregate(1L, (a, d) => a * d);
        return new OnnxConstant(shape.Ints, Enumerable.Repeat(value.Floats[0], (int)count).ToArray(), Enumerable.Repeat(value.Ints[0], (int)count).ToArray());
    }

    private static OnnxConstant Concat(OnnxNodeReader r, IReadOnlyList<OnnxConstant> inputs)
    {
        var axis = r.Int("axis", 0);
        if (axis != 0 || inputs.Any(i => i.Dims.Length > 1)) throw r.Unsupported("axis", axis.ToString(), "1-D constants joined along axis 0");
        return new OnnxConstant([inputs.Sum(i => i.Count)], inputs.SelectMany(i => i.Floats).ToArray(), inputs.SelectMany(i => i.Ints).ToArray());
    }

    private static OnnxConstant Reshape(OnnxNodeReader r, OnnxConstant x, long[] shape)
    {
        r.Int("allowzero", 0);
        var dims = shape.Select((d, i) => d == 0 ? x.Dims[i] : d).ToArray();
        long known = dims.Where(d => d != -1).Aggregate(1L, (a, d) => a * d);
        dims = dims.Select(d => d == -1 ? x.Count / known : d).ToArray();
        if (dims.Aggregate(1L, (a, d) => a * d) != x.Count) throw r.Error($"a constant of {x.Count} values cannot be reshaped to {OnnxNodeReader.Format(shape)}");
        return x with { Dims = dims };
    }

    /// <summary>Slice along axis 0 (rows of the constant), any step.</summary>
    private static OnnxConstant Slice(OnnxNodeReader r, IReadOnlyList<OnnxConstant> inputs)
    {
        var x = inputs[0];
        long rows = x.Dims[0], width = x.Count / Math.Max(1, rows);
        if (inputs.Count > 3 && inputs[3].Ints.Any(a => a != 0 && a != -x.Dims.Length))
            throw r.Error($"slicing a constant along axes {OnnxNodeReader.Format(inputs[3].Ints)} is not supported (axis 0 only)");
        long step = inputs.Count > 4 ? inputs[4].Ints[0] : 1;
        if (step == 0) throw r.Error("a slice step of 0 is invalid");
        long start = Clamp(inputs[1].Ints[0], rows, step), end = Clamp(inputs[2].Ints[0], rows, step);
        var picked = new List<long>();
        for (long i = start; step > 0 ? i < end : i > end; i += step) picked.Add(i);
        var dims = x.Dims.ToArray();
        dims[0] = picked.Count;
        return new OnnxConstant(dims,
            picked.SelectMany(i => x.Floats.Skip((int)(i * width)).Take((int)width)).ToArray(),
            picked.SelectMany(i => x.Ints.Skip((int)(i * width)).Take((int)width)).ToArray());
    }

    private static long Clamp(long index, long rows, long step)
    {
        if (index < 0) index += rows;
        return step > 0 ? Math.Clamp(index, 0, rows) : Math.Clamp(index, -1, rows - 1);
    }

    private static OnnxConstant Transpose(OnnxNodeReader r, OnnxConstant x)
    {
        var perm = r.Ints("perm") ?? [1, 0];
        if (x.Dims.Length != 2 || perm is not [1, 0]) throw r.Unsupported("perm", OnnxNodeReader.Format(perm), "transposing a 2-D constant only");
        long rows = x.Dims[0], cols = x.Dims[1];
        var floats = new float[x.Count];
        var ints = new long[x.Count];
        for (long i = 0; i < rows; i++)
            for (long j = 0; j < cols; j++)
            {
                floats[j * rows + i] = x.Floats[i * cols + j];
                ints[j * rows + i] = x.Ints[i * cols + j];
            }
        return new OnnxConstant([cols, rows], floats, ints);
    }

    /// <summary>Casts keep both views of the values (floats and integers); only the float and int64 types are known.</summary>
    private static OnnxConstant Cast(OnnxNodeReader r, OnnxConstant x)
    {
        var to = r.Int("to", 1);
        return to switch
        {
            1 => x with { Ints = x.Floats.Select(f => (long)f).ToArray() },
            7 => x with { Floats = x.Ints.Select(i => (float)i).ToArray() },
            _ => throw r.Unsupported("to", to.ToString(), "float (1) or int64 (7)"),
        };
    }

    /// <summary>(Un)squeeze only changes the dimension list; the values stay in order.</summary>
    private static OnnxConstant Squeeze(OnnxNodeReader r, IReadOnlyList<OnnxConstant> inputs)
    {
        var axes = r.Ints("axes") ?? (inputs.Count > 1 ? inputs[1].Ints : []);
        var dims = inputs[0].Dims.ToList();
        if (r.Op == "Squeeze") dims = dims.Where((d, i) => axes.Length > 0 ? !axes.Contains(i) && !axes.Contains(i - dims.Count) : d != 1).ToList();
        else foreach (var axis in axes.Select(a => a < 0 ? a + dims.Count + axes.Length : a).Order()) dims.Insert((int)axis, 1);
        return inputs[0] with { Dims = [.. dims] };
    }
}
