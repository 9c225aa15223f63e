using System.Text.Json;
using System.Text.Json.Nodes;

namespace Hass.Bench.Campaigns;

/// <summary>
/// The campaign file of one run, derived from the default campaign (examples/fmnist-hass.json):
/// <list type="bullet">
/// <item><c>hass</c>: the default pipeline as shipped (uniform baseline first, then the default strategy), with the
/// strategy's trials reduced so baseline + strategy = the budget; <c>hass-&lt;strategy&gt;</c>: the same with another strategy;</item>
/// <item><c>oracle</c>: the hass pipeline with a perfect accuracy instrument, for the oracle ceiling (docs/search.md): the
/// search split is the test set, nothing is confirmed and the picks keep no margin, so each pick is the fastest design within
/// the tolerance on the very images the table reports;</item>
/// <item><c>uniform</c>: the non-hardware-aware baseline alone (it converges in ≤ 51 trials);</item>
/// <item>any other name: that strategy alone, cold, for the whole budget.</item>
/// </list>
/// Every run keeps the final phase, so the chosen design is re-evaluated on the test set.
/// </summary>
public static class CampaignFile
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The uniform baseline alone bisects with the pick's lowered tolerance, as the hass pipeline's baseline does (MarginPick).</summary>
    private static JsonObject UniformStrategy(JsonObject root, JsonObject final)
    {
        var margin = final["pickMargin"]?.GetValue<double>() ?? 0;
        var tolerance = root["objective"]?["toleranceTop1"]?.GetValue<double>() ?? 1.0;
        return margin > 0
            ? new JsonObject { ["name"] = "uniform", ["settings"] = new JsonObject { ["tolerance"] = Math.Max(0, tolerance - margin) } }
            : new JsonObject { ["name"] = "uniform" };
    }

    public const string Oracle = "oracle";

    /// <summary>The oracle pipeline's changes: the search split is the test set, no confirmations, no pick or local margin.</summary>
    private static void SearchOnTestSet(JsonObject root, JsonObject final)
    {
        Section(root, "dataset")["searchOnTestSet"] = true;
        final["confirmTop"] = 0;
        final["confirmIncumbents"] = false;
        final["calibrateSearchDrop"] = false;
        final["pickMargin"] = 0;
        if (root["strategy"]?.AsObject() is { } strategy && strategy["name"]?.GetValue<string>() == "sensitivity")
        {
            Section(strategy, "settings")["localMargin"] = 0;
        }
    }

    /// <summary>The object <paramref name="parent"/> holds under <paramref name="name"/>, added empty when missing.</summary>
    private static JsonObject Section(JsonObject parent, string name)
    {
        if (parent[name]?.AsObject() is { } section) return section;
        var added = new JsonObject();
        parent[name] = added;
        return added;
    }

    /// <summary>Writes the campaign of <paramref name="key"/> into <paramref name="folder"/> and returns its path and trial count.</summary>
    public static (string Path, int Trials) Write(string template, RunKey key, int budget, string folder)
    {
        var root = JsonNode.Parse(File.ReadAllText(template), documentOptions: Lenient)?.AsObject()
                   ?? throw new InvalidDataException($"{template}: not a JSON object");
        root["name"] = "bench";
        root["model"] = key.Model;
        root["board"] = key.Board;
        root["seed"] = key.Seed;
        root["budget"] = new JsonObject { ["trials"] = budget };
        var final = Section(root, "final");
        var trials = budget;
        if (key.Pipeline == Oracle) SearchOnTestSet(root, final);
        if (key.Pipeline is "hass" or Oracle || key.Pipeline.StartsWith("hass-", StringComparison.Ordinal))
        {
            if (key.Pipeline.StartsWith("hass-", StringComparison.Ordinal)) root["strategy"] = new JsonObject { ["name"] = key.Pipeline["hass-".Length..] };
            var baseline = final["uniformBaselineTrials"]?.GetValue<int>() ?? 0;
            trials = Math.Max(1, budget - baseline);
        }
        else
        {
            root["strategy"] = key.Pipeline == "uniform" ? UniformStrategy(root, final) : new JsonObject { ["name"] = key.Pipeline };
            root["warmStart"] = false;
            final["uniformBaselineTrials"] = 0;
        }
        root["budget"] = new JsonObject { ["trials"] = trials };
        var path = System.IO.Path.Combine(folder, key.Tag + ".json");
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return (path, trials);
    }
}
