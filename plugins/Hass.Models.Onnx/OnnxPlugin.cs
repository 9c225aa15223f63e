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
        services.AddKeyedSingleton<INetworkExporter>("onnx", new OnnxNetworkWriter());
        services.AddKeyedSingleton<IDesignExporter>("fpgaconvnet", new FpgaConvNetConfigWriter());
    }
}
