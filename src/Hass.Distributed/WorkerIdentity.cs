using Hass.Abstractions;
using Hass.Engine.Plugins;

namespace Hass.Distributed;

/// <summary>
/// What must be equal on the owner and every worker: the evaluator fingerprint part by part (checkpoint, dataset,
/// …), the plugin versions, the engine's version and the board description. A worker whose identity differs is refused.
/// </summary>
public static class WorkerIdentity
{
    public static Dictionary<string, string> Of(ITrialEvaluator evaluator, HassComponents components, BoardSpec board)
    {
        var parts = new Dictionary<string, string>(evaluator.FingerprintParts, StringComparer.Ordinal)
        {
            ["plugins"] = string.Join(", ", components.Descriptors.Where(d => d.Plugin.Length > 0)
                .Select(d => $"{d.Plugin} {d.PluginVersion}").Distinct().Order(StringComparer.Ordinal)),
            ["board"] = Hashing.Sha256Hex(HassJson.Serialize(board)),
            ["hass"] = typeof(HassComponents).Assembly.GetName().Version?.ToString() ?? "unknown",
        };
        return parts;
    }

    /// <summary>The parts that differ, named with both values ("checkpoint: owner 1a2b…, worker 9f8e…"); null when equal.</summary>
    public static string? Difference(IReadOnlyDictionary<string, string> owner, IReadOnlyDictionary<string, string> worker)
    {
        var keys = owner.Keys.Union(worker.Keys).Order(StringComparer.Ordinal).ToList();
        var differ = keys.Where(k => owner.GetValueOrDefault(k) != worker.GetValueOrDefault(k)).ToList();
        // The whole fingerprint differs whenever a part does: name it only when nothing more specific does.
        if (differ.Count > 1) differ.Remove("evaluator");
        if (differ.Count == 0) return null;
        return string.Join("; ", differ.Select(k => k == "plugins" ? PluginDifference(owner.GetValueOrDefault(k), worker.GetValueOrDefault(k))
            : $"{k}: owner {Show(owner.GetValueOrDefault(k))}, worker {Show(worker.GetValueOrDefault(k))}"));
    }

    /// <summary>Only the plugins (name and version) one side has and the other has not: the whole lists run past any line.</summary>
    private static string PluginDifference(string? owner, string? worker)
    {
        static HashSet<string> Set(string? list) => [.. (list ?? "").Split(", ", StringSplitOptions.RemoveEmptyEntries)];
        var (ownerSet, workerSet) = (Set(owner), Set(worker));
        static string Only(IEnumerable<string> plugins) => plugins.Any() ? string.Join(", ", plugins.Order(StringComparer.Ordinal)) : "(none more)";
        return $"plugins: owner only {Only(ownerSet.Except(workerSet))}, worker only {Only(workerSet.Except(ownerSet))}";
    }

    private static string Show(string? value) => value switch
    {
        null => "(none)",
        { Length: >= 32 } when value.All(char.IsAsciiHexDigit) => value[..12] + "…",
        { Length: > 120 } => value[..120] + "…",
        _ => value,
    };
}
