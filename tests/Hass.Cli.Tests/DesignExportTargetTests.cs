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
