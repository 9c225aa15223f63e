using Hass.Abstractions;
using Hass.Engine.Plugins;
using Hass.Torch.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Cli.Commands;

/// <summary>
/// Where `hass export` and `hass design --export` put a design for a hardware generator: DIR/STEM.onnx (the pruned
/// network, when there is one) and DIR/STEM.FORMAT.json (the configuration, by the <see cref="IDesignExporter"/>
/// registered for FORMAT). <see cref="Check"/> runs before any work: a file in the way of the folder, or an export
/// file that already exists, is refused unless <see cref="Force"/> (nothing else in the folder is touched).
/// </summary>
/// <param name="FormatOption">The option that named <paramref name="Format"/>, for the message when no exporter has it.</param>
internal sealed record DesignExportTarget(string Format, string Directory, string Stem, bool Force, string FormatOption = "--export")
{
    public const string FpgaConvNet = "fpgaconvnet";
    /// <summary>The network's format: the configuration names the pruned network written next to it in ONNX.</summary>
    public const string Onnx = "onnx";

    public string OnnxPath => Path.Combine(Directory, Stem + ".onnx");
    public string ConfigPath => Path.Combine(Directory, $"{Stem}.{Format}.json");

    /// <summary>A file stem for a model or graph name: its last path segment without ".onnx", other characters than [A-Za-z0-9._-] as '_'.</summary>
    public static string StemOf(string name)
    {
        var last = name.Split(':', '/', '\\')[^1];
        if (last.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) last = last[..^5];
        var stem = new string(last.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray()).TrimStart('.');
        return stem.Length > 0 ? stem : "design";
    }

    /// <summary>The exporters exist and the files may be written; a <see cref="UsageException"/> naming the problem otherwise.</summary>
    public void Check(IServiceProvider services, bool withNetwork)
    {
        _ = Exporters.Find<IDesignExporter>(services, Format)
            ?? throw new UsageException($"{FormatOption}: no loaded plugin exports designs as '{Format}'; loaded design exporters: " +
                                        $"{Exporters.Formats<IDesignExporter>(services, FpgaConvNet)}; see 'hass plugins'");
        if (withNetwork && Exporters.Find<INetworkExporter>(services, Onnx) is null)
            throw new UsageException($"no loaded plugin exports networks as '{Onnx}', which the export writes next to the configuration; loaded network exporters: " +
                                     $"{Exporters.Formats<INetworkExporter>(services, Onnx)}; see 'hass plugins'");
        if (Torch.FileInTheWay.Of(Directory) is { } file)
            throw new UsageException($"'{file}' is a file, so '{Directory}' cannot be the export folder; give a folder (it is created when missing)");
        if (Torch.Commands.WritableFolder.Problem(Directory) is { } problem)
            throw new UsageException($"the export folder '{Directory}' cannot be written ({problem}); give a writable folder");
        var existing = (withNetwork ? new[] { OnnxPath, ConfigPath } : [ConfigPath]).Where(p => File.Exists(p) || System.IO.Directory.Exists(p)).ToList();
        if (existing.Count > 0 && !Force)
            throw new UsageException($"{string.Join(" and ", existing)} already exist{(existing.Count == 1 ? "s" : "")}; give --force to overwrite, or another folder");
    }

    /// <summary>
    /// Writes the configuration, and the pruned network when given, as one: both are written beside their paths and moved into
    /// place only when both succeeded, so an exporter that fails leaves the folder as it was. Returns both paths (the network's null when not written).
    /// </summary>
    public (string? Onnx, string Config) Write(IServiceProvider services, HardwareDesign design, NetworkGraph graph, SparsityProfile? profile,
        DeployableNetwork? network, bool fixedPoint16, CancellationToken cancellationToken = default)
    {
        var files = new List<(string, Action<string>)>();
        if (network is not null)
        {
            var networkExporter = Exporters.Find<INetworkExporter>(services, Onnx)!;
            files.Add((OnnxPath, temporary => Exporting(networkExporter.Who, temporary, json: false, () => networkExporter.Exporter.Write(network, fixedPoint16, temporary))));
        }
        var designExporter = Exporters.Find<IDesignExporter>(services, Format)!;
        files.Add((ConfigPath, temporary => Exporting(designExporter.Who, temporary, json: true,
            () => designExporter.Exporter.Write(design, graph, profile, Path.GetFileName(OnnxPath), temporary, network))));
        ReplacedFile.WriteAll(files, cancellationToken);
        return (network is null ? null : OnnxPath, ConfigPath);
    }

    /// <summary>
    /// Runs a plugin's exporter into <paramref name="path"/>: an exception it throws (but an I/O error or cancellation, which say
    /// what to fix), or a file it did not write (missing, empty, or not JSON when <paramref name="json"/>), is a fault naming the
    /// exporter as <paramref name="who"/> (<see cref="Exporters.Found{T}.Who"/>: its kind, format and plugin).
    /// </summary>
    public static void Exporting(string who, string path, bool json, Action write)
    {
        PluginFaultException.Guard(who, "Write", write, e => e is IOException or UnauthorizedAccessException or OperationCanceledException);
        if (ExportedFileProblem(path, json) is { } problem) throw PluginFaultException.Of(who, problem);
    }

    private static string? ExportedFileProblem(string path, bool json)
    {
        var file = new FileInfo(path);
        if (!file.Exists) return "wrote no file in Write (it must write the path it is given)";
        if (file.Length == 0) return "wrote an empty file in Write";
        if (!json) return null;
        try
        {
            using var stream = file.OpenRead();
            using var _ = System.Text.Json.JsonDocument.Parse(stream);
            return null;
        }
        catch (System.Text.Json.JsonException e)
        {
            return $"wrote a configuration that is not JSON in Write ({e.Message})";
        }
    }
}
