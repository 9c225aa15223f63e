using Hass.Models.Onnx.Proto;

namespace Hass.Models.Onnx;

/// <summary>
/// Layer names for imported nodes. PyTorch names a node after its module path ("/layer1/layer1.0/conv1/Conv"),
/// which becomes the zoo's dotted path ("layer1.0.conv1"); module-free ops get their op segment appended
/// ("layer1.0.add"). Names that are empty, repeated or would nest a module inside another fall back to the
/// ONNX node name with separators replaced. Only modules can clash: a module path must not be the scope of another.
/// </summary>
internal static class OnnxNaming
{
    public static Dictionary<NodeProto, string> Assign(IEnumerable<NodeProto> nodes, Func<NodeProto, bool> hasModule)
    {
        var list = nodes.ToList();
        var names = new Dictionary<NodeProto, string>();
        for (int i = 0; i < list.Count; i++) names[list[i]] = ModulePath(list[i], hasModule(list[i])) is { Length: > 0 } p ? p : Fallback(list[i], i);
        var taken = new HashSet<string>();
        for (int i = 0; i < list.Count; i++)
        {
            var name = names[list[i]];
            bool nests = hasModule(list[i]) && names.Any(other => hasModule(other.Key) && other.Value.StartsWith(name + ".", StringComparison.Ordinal));
            if (nests || !taken.Add(name) || name == "input")
            {
                name = Fallback(list[i], i);
                while (!taken.Add(name)) name += "_";
                names[list[i]] = name;
            }
        }
        return names;
    }

    private static string ModulePath(NodeProto node, bool module)
    {
        var segments = node.Name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2) return segments.Length == 1 ? segments[0].ToLowerInvariant() : "";
        // Each scope segment is either a deeper name of the previous one ("conv" → "conv.0") or a child of it.
        string parent = "", current = "";
        foreach (var segment in segments[..^1])
        {
            if (current.Length == 0 || !segment.StartsWith(current + ".", StringComparison.Ordinal))
                parent = Join(parent, current);
            current = segment;
        }
        var path = Join(parent, current);
        return module ? path : path + "." + segments[^1].ToLowerInvariant();
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : b.Length == 0 ? a : a + "." + b;

    private static string Fallback(NodeProto node, int index)
    {
        var name = new string(node.Name.Trim('/').Select(c => char.IsLetterOrDigit(c) || c == '_' ? c : '_').ToArray());
        return name.Length > 0 ? name : $"{node.OpType.ToLowerInvariant()}_{index}";
    }
}
