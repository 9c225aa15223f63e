using System.Text.Json;
using Hass.Abstractions;
using Hass.Torch.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.TestPlugins;

/// <summary>Registers the design exporter 'layers', as a lab would add the configuration format of its own hardware generator.</summary>
public sealed class LayersExporterPlugin : IHassPlugin
{
    public void ConfigureServices(IServiceCollection services) =>
        services.AddHassComponent<IDesignExporter>(ComponentKind.DesignExporter, "layers", "each layer's folding and cycles, for a test generator", new LayersWriter());

    private sealed class LayersWriter : IDesignExporter
    {
        public void Write(HardwareDesign design, NetworkGraph graph, SparsityProfile? profile, string onnxFile, string path, DeployableNetwork? network = null) =>
            File.WriteAllText(path, JsonSerializer.Serialize(new
            {
                network = onnxFile,
                board = design.Board,
                throughput = design.Performance.ThroughputImagesPerSecond,
                layers = design.Layers.Select(l => new { name = l.Layer, coarseIn = l.Folding.CoarseIn, coarseOut = l.Folding.CoarseOut, cycles = l.Cycles }),
            }));
    }
}
