using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hass.Bench.Fidelity;

/// <summary>The campaign of one cell: the bench's template (bench/fidelity/campaign.json) with model, board and sparse cycle figure set.</summary>
public static class CampaignFile
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static string Write(string template, string model, string board, string sparseCycles, string name, string folder)
    {
        var root = JsonNode.Parse(File.ReadAllText(template), documentOptions: Lenient)?.AsObject()
                   ?? throw new InvalidDataException($"{template}: not a JSON object");
        root["name"] = name;
        root["model"] = model;
        root["board"] = board;
        var backend = root["backend"]?.AsObject() ?? throw new InvalidDataException($"{template}: no backend object");
        var options = backend["options"]?.AsObject() ?? new JsonObject();
        options["sparseCycles"] = sparseCycles;
        backend["options"] = options;
        var path = Path.Combine(folder, name + ".json");
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
