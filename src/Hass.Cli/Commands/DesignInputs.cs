using System.Text.Json;
using Hass.Abstractions;
using Hass.Engine.Boards;
using Hass.Engine.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Cli.Commands;

/// <summary>What `hass design` and `hass backend check` design from: a board, a backend, and a network from a model or a graph file.</summary>
internal static class DesignInputs
{
    /// <summary>Design input files (graph, profile, folding) are at most this big.</summary>
    private const int MaxFileBytes = 64 << 20;

    public static BoardSpec Board(CliContext ctx, string name)
    {
        var boards = ctx.Services.GetRequiredService<BoardLibrary>();
        return boards.TryGet(name, out var board) ? board
            : throw new UsageException($"--board: unknown board '{name}'; available: {string.Join(", ", boards.Names.DefaultIfEmpty("(none)"))}");
    }

    /// <summary>The loaded backend <paramref name="name"/>, as the engine uses it; <paramref name="given"/> names where the name came from in the message.</summary>
    public static IAcceleratorBackend Backend(HassComponents components, string name, string given)
    {
        if (!components.Names(ComponentKind.Backend).Contains(name))
            throw new UsageException($"{given}: unknown backend '{name}'; available: {string.Join(", ", components.Names(ComponentKind.Backend).DefaultIfEmpty("(none loaded)"))}");
        return components.Backend(name);
    }

    public static NetworkGraph GraphOfModel(HassComponents components, string model)
    {
        var factory = components.FindEvaluatorFactory(model)
            ?? throw new UsageException($"--model: unknown model '{model}'; available: {string.Join(", ", components.Names(ComponentKind.Model).DefaultIfEmpty("(none loaded)"))}");
        return factory.DescribeGraph(model) ?? GraphFromEvaluator(factory, model, components);
    }

    private static NetworkGraph GraphFromEvaluator(ITrialEvaluatorFactory factory, string model, HassComponents components)
    {
        var pruning = components.Names(ComponentKind.Pruning).FirstOrDefault()
            ?? throw new UsageException($"--model: '{model}' needs a pruning criterion to build its evaluator, and none is loaded; see 'hass plugins'");
        using var evaluator = factory.Create(new EvaluatorSpec { Model = model, Pruning = pruning });
        return evaluator.Graph;
    }

    /// <summary>
    /// The folding of `--folding`: a folding file (layer → folding), or a design (`hass design --json`, a stored trial's
    /// design), whose every layer's folding, implementation and partition are taken, so its own design comes out again.
    /// </summary>
    public static IReadOnlyDictionary<string, LayerFolding> Folding(string path, string option) =>
        IsDesign(path) ? ReadJson<HardwareDesign>(path, option).Folding : ReadJson<Dictionary<string, LayerFolding>>(path, option);

    private static bool IsDesign(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(Engine.Files.StrictJson.ReadText(path, MaxFileBytes), Engine.Files.StrictJson.DocumentOptions);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("layers", out var layers) && layers.ValueKind == JsonValueKind.Array;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return false;   // ReadJson says what is wrong with it
        }
    }

    public static T ReadJson<T>(string path, string option) where T : class
    {
        if (Directory.Exists(path)) throw new UsageException($"{option}: '{path}' is a folder; give a file");
        if (!File.Exists(path)) throw new UsageException($"{option}: file '{path}' not found");
        try { return Engine.Files.StrictJson.ReadRecord<T>(path, MaxFileBytes); }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: '{path}' is not a valid {(typeof(T).IsGenericType ? "folding" : typeof(T).Name)}: {e.Message}");
        }
    }
}
