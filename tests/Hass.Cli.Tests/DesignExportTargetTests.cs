using Hass.Abstractions;
using Hass.Cli.Commands;
using Hass.Engine.Plugins;
using Hass.Testing;
using Hass.Torch.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Cli.Tests;

/// <summary>The pruned network and its configuration are exported as one: an exporter that fails leaves the folder as it was, and is named.</summary>
public class DesignExportTargetTests
{
    private sealed class NetworkWriter : INetworkExporter
    {
        public void Write(DeployableNetwork network, bool fixedPoint16, string path) => File.WriteAllText(path, "new network");
    }

    private sealed class FailingDesignWriter : IDesignExporter
    {
        public void Write(HardwareDesign design, NetworkGraph graph, SparsityProfile? profile, string onnxFile, string path, DeployableNetwork? network = null)
        {
            File.WriteAllText(path, "half a configuration");
            throw new InvalidOperationException("the configuration writer gave up");
        }
    }

    /// <summary>Writes <paramref name="content"/>, or nothing when it is null.</summary>
    private sealed class DesignWriter(string? content) : IDesignExporter
    {
        public void Write(HardwareDesign design, NetworkGraph graph, SparsityProfile? profile, string onnxFile, string path, DeployableNetwork? network = null)
        {
            if (content is not null) File.WriteAllText(path, content);
        }
    }

    private sealed class SilentNetworkWriter : INetworkExporter
    {
        public void Write(DeployableNetwork network, bool fixedPoint16, string path) { }
    }

    private static (DesignExportTarget Target, string Dir) OldExport()
    {
        var dir = TestFolders.Create();
        var target = new DesignExportTarget(DesignExportTarget.FpgaConvNet, dir, "net", Force: true);
        File.WriteAllText(target.OnnxPath, "old network");
        File.WriteAllText(target.ConfigPath, "old configuration");
        return (target, dir);
    }

    private static PluginFaultException ExportWith(DesignExportTarget target, INetworkExporter networkExporter, IDesignExporter designExporter)
    {
        var services = new ServiceCollection()
            .AddKeyedSingleton("onnx", networkExporter)
            .AddKeyedSingleton(DesignExportTarget.FpgaConvNet, designExporter)
            .BuildServiceProvider();
        var graph = new NetworkGraph { Name = "net", Layers = [] };
        var network = new DeployableNetwork(graph, [], new Dictionary<string, double>());
        return Assert.Throws<PluginFaultException>(() => target.Write(services, null!, graph, null, network, fixedPoint16: false));
    }

    [Theory]
    [InlineData(null, "wrote no file in Write (it must write the path it is given)")]
    [InlineData("", "wrote an empty file in Write")]
    [InlineData("{ \"layers\": [", "wrote a configuration that is not JSON in Write (")]
    public void A_configuration_writer_that_writes_no_json_is_named_and_the_old_export_stays(string? content, string wrong)
    {
        var (target, dir) = OldExport();
        var e = ExportWith(target, new NetworkWriter(), new DesignWriter(content));
        Assert.StartsWith($"design exporter 'fpgaconvnet' (plugin Hass.Cli.Tests) {wrong}", e.Message);
        Assert.EndsWith("a bug of the plugin: fix or update it, or use another (hass plugins lists them)", e.Message);
        Assert.Equal(("old network", "old configuration"), (File.ReadAllText(target.OnnxPath), File.ReadAllText(target.ConfigPath)));
        Assert.Equal(["net.fpgaconvnet.json", "net.onnx"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_network_writer_that_writes_nothing_is_named_and_the_old_export_stays()
    {
        var (target, dir) = OldExport();
        var e = ExportWith(target, new SilentNetworkWriter(), new DesignWriter("{}"));
        Assert.StartsWith("network exporter 'onnx' (plugin Hass.Cli.Tests) wrote no file in Write", e.Message);
        Assert.Equal(("old network", "old configuration"), (File.ReadAllText(target.OnnxPath), File.ReadAllText(target.ConfigPath)));
        Assert.Equal(["net.fpgaconvnet.json", "net.onnx"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void An_exporter_registered_as_a_component_is_named_by_its_plugin_and_an_unknown_format_lists_the_loaded_ones()
    {
        var (target, _) = OldExport();
        var services = new ServiceCollection()
            .AddHassComponent<INetworkExporter>(ComponentKind.NetworkExporter, "onnx", "test network writer", new NetworkWriter())
            .AddHassComponent<IDesignExporter>(ComponentKind.DesignExporter, DesignExportTarget.FpgaConvNet, "test configuration writer", new DesignWriter(""))
            .AddSingleton(sp => new HassComponents(sp.GetServices<ComponentDescriptor>().Select(d => d with { Plugin = "Lab.Exporters" }), []))
            .BuildServiceProvider();
        var graph = new NetworkGraph { Name = "net", Layers = [] };
        var network = new DeployableNetwork(graph, [], new Dictionary<string, double>());

        var e = Assert.Throws<PluginFaultException>(() => target.Write(services, null!, graph, null, network, fixedPoint16: false));
        Assert.StartsWith("design exporter 'fpgaconvnet' (plugin Lab.Exporters) wrote an empty file in Write", e.Message);

        var unknown = Assert.Throws<UsageException>(() => (target with { Format = "finn" }).Check(services, withNetwork: true));
        Assert.Equal("--export: no loaded plugin exports designs as 'finn'; loaded design exporters: 'fpgaconvnet'; see 'hass plugins'", unknown.Message);
        var none = Assert.Throws<UsageException>(() => target.Check(new ServiceCollection().BuildServiceProvider(), withNetwork: true));
        Assert.Equal("--export: no loaded plugin exports designs as 'fpgaconvnet'; loaded design exporters: none (the shipped Hass.Models.Onnx plugin exports " +
                     "'fpgaconvnet'); see 'hass plugins'", none.Message);
    }

    [Fact]
    public void A_configuration_writer_that_fails_after_the_network_was_written_leaves_the_old_export_and_no_other_file()
    {
        var dir = TestFolders.Create();
        var services = new ServiceCollection()
            .AddKeyedSingleton<INetworkExporter>("onnx", new NetworkWriter())
            .AddKeyedSingleton<IDesignExporter>(DesignExportTarget.FpgaConvNet, new FailingDesignWriter())
            .BuildServiceProvider();
        var target = new DesignExportTarget(DesignExportTarget.FpgaConvNet, dir, "net", Force: true);
        File.WriteAllText(target.OnnxPath, "old network");
        File.WriteAllText(target.ConfigPath, "old configuration");
        var graph = new NetworkGraph { Name = "net", Layers = [] };
        var network = new DeployableNetwork(graph, [], new Dictionary<string, double>());

        var e = Assert.Throws<PluginFaultException>(() => target.Write(services, null!, graph, null, network, fixedPoint16: false));

        Assert.Equal("design exporter 'fpgaconvnet' (plugin Hass.Cli.Tests) threw InvalidOperationException in Write: the configuration writer gave up; " +
                     "a bug of the plugin: fix or update it, or use another (hass plugins lists them)", e.Message);
        Assert.Equal(("old network", "old configuration"), (File.ReadAllText(target.OnnxPath), File.ReadAllText(target.ConfigPath)));
        Assert.Equal(["net.fpgaconvnet.json", "net.onnx"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }
}
