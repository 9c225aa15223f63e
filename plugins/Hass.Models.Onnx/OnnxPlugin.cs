using Hass.Abstractions;
using Hass.Torch.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Models.Onnx;

/// <summary>
/// Registers the "onnx" model source (a model named onnx:PATH is imported from that ONNX file) and the "onnx"
/// network exporter (pruned networks written as ONNX) and the "fpgaconvnet" design exporter (its configuration).
/// </summary>
public sealed class OnnxPlugin : IHassPlugin
{
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddHassComponent<IModelSource>(ComponentKind.Model, new OnnxModelSource());
        services.AddHassComponent<INetworkExporter>(ComponentKind.NetworkExporter, "onnx",
            "Pruned network (BN folded, weights as evaluated) as ONNX, opset 14: hass model export --trial, hass export, design --export", new OnnxNetworkWriter());
        services.AddHassComponent<IDesignExporter>(ComponentKind.DesignExporter, "fpgaconvnet",
            "Design as an fpgaConvNet configuration (JSON, next to the pruned ONNX) for its hardware generator: hass export, design --export", new FpgaConvNetConfigWriter());
    }
}
