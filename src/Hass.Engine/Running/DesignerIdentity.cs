using System.Text.Json.Nodes;
using Hass.Abstractions;

namespace Hass.Engine.Running;

/// <summary>
/// What made a campaign's designs: the backend's name and version (a backend bumps its version whenever its designs
/// change) and the board's figures. A campaign resumed with another backend version or a changed board file would
/// hold designs of two cost models, and its search and final table would compare them, so the resume is refused.
/// </summary>
public sealed record DesignerIdentity(string Backend, string BackendVersion, string Board, string BoardJson)
{
    private const int MaxListedDifferences = 4;

    /// <summary>The board's description and link are left out: a backend designs nothing from them.</summary>
    public static DesignerIdentity Of(IAcceleratorBackend backend, BoardSpec board) =>
        new(backend.Name, backend.Version, board.Name, HassJson.Serialize(board with { Description = "", Link = null }));

    /// <summary>One line per part that differs in <paramref name="now"/> (the backend's version, the board's figures), or none.</summary>
    public IReadOnlyList<string> Differences(DesignerIdentity now)
    {
        var differences = new List<string>();
        if (Backend == now.Backend && BackendVersion != now.BackendVersion)
            differences.Add($"backend: '{Backend}' is version {now.BackendVersion} now, version {BackendVersion} when the campaign was started");
        if (Board == now.Board && BoardJson != now.BoardJson)
        {
            var fields = new List<string>();
            CollectChanges(JsonNode.Parse(BoardJson), JsonNode.Parse(now.BoardJson), "", fields);
            var listed = string.Join(", ", fields.Take(MaxListedDifferences)) + (fields.Count > MaxListedDifferences ? $" and {fields.Count - MaxListedDifferences} more" : "");
            differences.Add($"board: '{Board}' has other figures now{(fields.Count > 0 ? $" ({listed})" : "")}");
        }
        return differences;
    }

    /// <summary>The paths of the values that differ between two JSON trees, each with its old and new value.</summary>
    private static void CollectChanges(JsonNode? before, JsonNode? after, string path, List<string> changes)
    {
        if (before is JsonObject a && after is JsonObject b)
        {
            foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)).Order(StringComparer.Ordinal))
                CollectChanges(a[key], b[key], path.Length == 0 ? key : $"{path}.{key}", changes);
            return;
        }
        var (old, now) = (before?.ToJsonString() ?? "none", after?.ToJsonString() ?? "none");
        if (old != now) changes.Add($"{path}: {Shorten(old)} → {Shorten(now)}");
    }

    private static string Shorten(string json) => json.Length <= 40 ? json : json[..37] + "...";
}
