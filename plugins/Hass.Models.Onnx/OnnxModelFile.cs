using System.Runtime.InteropServices;
using Google.Protobuf;
using Hass.Abstractions;
using Hass.Models.Onnx.Proto;
using Hass.Torch.Training;

namespace Hass.Models.Onnx;

/// <summary>A constant tensor of an ONNX file (initializer or Constant node): float values, or int64 values for shapes.</summary>
internal sealed record OnnxConstant(long[] Dims, float[] Floats, long[] Ints)
{
    public long Count => Dims.Aggregate(1L, (a, d) => a * d);
}

/// <summary>An ONNX file read with the protobuf classes generated from onnx.proto: graph, constants and the image input.</summary>
internal sealed class OnnxModelFile
{
    private OnnxModelFile(string path, GraphProto graph, string sha256)
    {
        Path = path;
        Graph = graph;
        Sha256 = sha256;
    }

    public string Path { get; }
    public GraphProto Graph { get; }
    public string Sha256 { get; }
    public Dictionary<string, OnnxConstant> Initializers { get; } = [];
    public string InputName { get; private set; } = "";
    public TensorShape InputShape { get; private set; } = new(0, 0, 0);
    public string OutputName { get; private set; } = "";

    /// <summary>Protobuf's own limit for one message (2 GiB), less what a .NET array cannot hold.</summary>
    private const long MaxFileBytes = int.MaxValue - 1024;

    public static OnnxModelFile Read(string path)
    {
        if (!File.Exists(path))
            throw new ModelException($"onnx model '{path}' not found: give the path of an .onnx file (onnx:path/to/net.onnx)");
        ModelProto model;
        byte[] bytes;
        // A pipe or a device (File.Exists holds for them) would block or fill the memory: refused before it is read.
        try { bytes = InputFile.ReadBytes(path, MaxFileBytes); }
        catch (InputFileException e)
        {
            throw new ModelException($"onnx model '{path}' {e.Problem}: give the path of an .onnx file (onnx:path/to/net.onnx)");
        }
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new ModelException($"onnx model '{path}' is not a valid ONNX file (it does not parse as an ONNX ModelProto): export it with torch.onnx.export");
        }
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw new ModelException($"onnx model '{path}' has no graph: export it with torch.onnx.export");
        var file = new OnnxModelFile(path, model.Graph, Hashing.Sha256Hex(bytes));
        foreach (var tensor in model.Graph.Initializer) file.Initializers[tensor.Name] = Decode(tensor, path);
        file.ReadInputAndOutput();
        return file;
    }

    private void ReadInputAndOutput()
    {
        var inputs = Graph.Input.Where(i => !Initializers.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1)
            throw new ModelException($"onnx model '{Path}' has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}); one image input N×C×H×W is supported");
        var dims = inputs[0].Type?.TensorType?.Shape?.Dim.ToList() ?? [];
        if (dims.Count != 4 || dims.Skip(1).Any(d => d.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || d.DimValue <= 0))
            throw new ModelException($"onnx model '{Path}': input '{inputs[0].Name}' must have the static shape N×C×H×W (export with a fixed image size)");
        InputName = inputs[0].Name;
        InputShape = new TensorShape((int)dims[1].DimValue, (int)dims[2].DimValue, (int)dims[3].DimValue);
        if (Graph.Output.Count != 1)
            throw new ModelException($"onnx model '{Path}' has {Graph.Output.Count} outputs; one class-score output is supported");
        OutputName = Graph.Output[0].Name;
    }

    /// <summary>Float and int64 tensors, stored in the typed fields or as little-endian raw data.</summary>
    public static OnnxConstant Decode(TensorProto tensor, string path)
    {
        var dims = tensor.Dims.ToArray();
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            throw new ModelException($"onnx model '{path}': tensor '{tensor.Name}' is stored in an external file; export the model as one file");
        switch ((TensorProto.Types.DataType)tensor.DataType)
        {
            case TensorProto.Types.DataType.Float:
                var floats = tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : tensor.FloatData.ToArray();
                return Checked(new OnnxConstant(dims, floats, floats.Select(f => (long)f).ToArray()));
            case TensorProto.Types.DataType.Int64:
                var ints = tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, long>(tensor.RawData.Span).ToArray() : tensor.Int64Data.ToArray();
                return Checked(new OnnxConstant(dims, ints.Select(i => (float)i).ToArray(), ints));
            default:
                throw new ModelException($"onnx model '{path}': tensor '{tensor.Name}' has data type {(TensorProto.Types.DataType)tensor.DataType}; float32 (and int64 shapes) are supported");
        }

        OnnxConstant Checked(OnnxConstant c) => c.Floats.Length == c.Count ? c
            : throw new ModelException($"onnx model '{path}': tensor '{tensor.Name}' holds {c.Floats.Length} values for shape [{string.Join(", ", dims)}]");
    }
}
