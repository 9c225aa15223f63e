using Hass.Abstractions;

namespace Hass.Torch.Models;

/// <summary>
/// Writes a pruned network (BN folded, weights as evaluated) in an exchange format. A plugin registers it under the format's
/// name: <c>services.AddHassComponent&lt;INetworkExporter&gt;(ComponentKind.NetworkExporter, "onnx", "description", exporter)</c>.
/// </summary>
public interface INetworkExporter
{
    /// <param name="fixedPoint16">Round the input and every intermediate value as the evaluation does (fixed&lt;16,8&gt;).</param>
    /// <param name="path">Where to write (a temporary name the engine moves into place): a missing or empty file there is a fault of the exporter.</param>
    void Write(DeployableNetwork network, bool fixedPoint16, string path);
}

/// <summary>
/// Writes a hardware design in a generator's configuration format (next to the pruned network written by an
/// <see cref="INetworkExporter"/>). Registered under the format's name:
/// <c>services.AddHassComponent&lt;IDesignExporter&gt;(ComponentKind.DesignExporter, "fpgaconvnet", "description", exporter)</c>.
/// </summary>
public interface IDesignExporter
{
    /// <param name="onnxFile">File name of the pruned ONNX network the configuration refers to.</param>
    /// <param name="network">The pruned network when known (weight formats, narrow activation formats); null for a graph alone.</param>
    /// <param name="path">Where to write the configuration, a JSON document (a temporary name the engine moves into place): a missing
    /// or empty file there, or one that is not JSON, is a fault of the exporter.</param>
    void Write(HardwareDesign design, NetworkGraph graph, SparsityProfile? profile, string onnxFile, string path, DeployableNetwork? network = null);
}
