using System.Globalization;
using System.Text;
using Hass.Abstractions;
using Hass.Board.Links;
using Hass.Board.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Board;

/// <summary>
/// Library entry points behind `hass board probe|measure|emulate` (the CLI wires them; `emulate` lives in
/// Hass.BoardEmulator: EmulatorHost.RunAsync in-process, or EmulatorProcess.StartAsync as a child process).
/// </summary>
public static class BoardCommands
{
    /// <summary>`hass board probe LINK`: the board's INFO.</summary>
    public static Task<BoardInfo> ProbeAsync(string link, BoardLinks links, BoardClientOptions? options = null, CancellationToken cancellationToken = default) =>
        BoardRunner.ProbeAsync(link, links, options, cancellationToken);

    /// <summary>Reads a design JSON file (HardwareDesign, docs/formats.md) with a clear error on bad input.</summary>
    public static HardwareDesign ReadDesign(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"design file {path} does not exist", path);
        try
        {
            var design = HassJson.ReadFile<HardwareDesign>(path);
            if (design.Layers is null || design.Layers.Count == 0) throw new InvalidDataException($"design file {path} has no layers");
            return design;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"design file {path} is not a valid HardwareDesign JSON: {e.Message}", e);
        }
    }

    /// <summary>`hass board measure`: deploys <paramref name="design"/> with <paramref name="network"/> on LINK and measures it.</summary>
    public static async Task<Measurement> MeasureAsync(string link, BoardLinks links, HardwareDesign design, DeployableNetwork network, MeasureOptions? options = null,
        IProgress<BoardProgress>? progress = null, BoardClientOptions? clientOptions = null, CancellationToken cancellationToken = default)
    {
        await using var runner = new BoardRunner(link, links, clientOptions);
        return await runner.MeasureAsync(design, network, options, progress, cancellationToken).ConfigureAwait(false);
    }

    public static string Describe(BoardInfo info) => string.Join(Environment.NewLine,
        $"board      {info.BoardName} ({info.Part})",
        $"firmware   {info.Firmware}{(info.Features.HasFlag(BoardFeatures.Emulated) ? " (emulated)" : "")}",
        $"board id   {info.BoardId}   boot {info.BootId}",
        $"clock      {info.ClockMhz.ToString("0.###", CultureInfo.InvariantCulture)} MHz",
        $"resources  DSP {info.Dsp}, BRAM18 {info.Bram18}, URAM {info.Uram}, LUT {info.Lut}, FF {info.Ff}",
        $"protocol   v{info.ProtocolVersion}, max payload {info.MaxPayload} B, features {info.Features}");

    /// <summary>Predicted vs measured, overall and per layer (cycles per image), as a small table.</summary>
    public static string Describe(Measurement m, HardwareDesign? design = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"design {m.DesignHash[..12]} on {m.Board} ({m.BoardId}, {m.Firmware}), {m.Fidelity}, {m.ClockMhz:0.###} MHz");
        var runs = m.Rotations > 1 ? $"mean of {m.Rotations} rotations, {m.Repeats.Count} runs" : $"median of {m.Repeats.Count}";
        sb.AppendLine(inv, $"measured   {m.MedianImagesPerSecond:0.##} img/s ({runs}, spread {m.Spread:P1}, {m.Images} images)");
        if (m.PredictedImagesPerSecond > 0)
            sb.AppendLine(inv, $"predicted  {m.PredictedImagesPerSecond:0.##} img/s   measured/predicted = {m.MedianImagesPerSecond / m.PredictedImagesPerSecond:0.###}");
        if (m.BatchOneLatencySeconds is { } latency)
            sb.AppendLine(inv, $"batch-1    {latency * 1e6:0.###} µs latency, {latency * m.ClockMhz * 1e6:0.#} cycles (mean of {m.SingleImageLatencies.Count} images, each alone through the empty pipeline)");
        if (design is not null)
        {
            sb.AppendLine("layer                          predicted cycles   measured cycles   ratio");
            foreach (var l in design.Layers)
            {
                if (!m.LayerCycles.TryGetValue(l.Layer, out var measured)) continue;
                string ratio = l.Cycles > 0 ? (measured / l.Cycles).ToString("0.###", inv) : "-";
                sb.AppendLine(inv, $"{l.Layer,-30} {l.Cycles,16:0.#} {measured,17:0.#}   {ratio}");
            }
        }
        return sb.ToString();
    }
}

public static class BoardServiceCollectionExtensions
{
    /// <summary>Registers the built-in board links "serial" and "tcp" (component kind BoardLink).</summary>
    public static IServiceCollection AddHassBoardLinks(this IServiceCollection services)
    {
        services.AddHassComponent<IBoardLinkFactory>(ComponentKind.BoardLink, new SerialLinkFactory());
        services.AddHassComponent<IBoardLinkFactory>(ComponentKind.BoardLink, new TcpLinkFactory());
        return services;
    }

    /// <summary>Registers <see cref="BoardLinks"/>: every BoardLink component registered in the container, by scheme.</summary>
    public static IServiceCollection AddBoardLinkRegistry(this IServiceCollection services) =>
        services.AddSingleton<BoardLinks>();
}

/// <summary>Host plugin entry: the built-in board links, listed by `hass plugins` like any other component.</summary>
public sealed class BoardLinksPlugin : IHassPlugin
{
    public void ConfigureServices(IServiceCollection services) => services.AddHassBoardLinks();
}
