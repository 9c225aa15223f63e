using Hass.Abstractions;
using Hass.Engine.Plugins;
using Hass.Torch.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Cli.Commands;

/// <summary>
/// The loaded exporters, <see cref="INetworkExporter"/> and <see cref="IDesignExporter"/>, each under its format's name:
/// found with the words a fault names it by ("design exporter 'fpgaconvnet' (plugin Hass.Models.Onnx)"), and the formats a
/// message can offer instead of an unknown one.
/// </summary>
internal static class Exporters
{
    public sealed record Found<T>(T Exporter, string Who);

    public static Found<T>? Find<T>(IServiceProvider services, string format) where T : class
    {
        if (services.GetKeyedService<T>(format) is not { } exporter) return null;
        var kind = KindOf<T>();
        // An exporter registered without a descriptor (a plugin built before exporters were components) is named by its assembly.
        var plugin = Descriptors(services, kind).FirstOrDefault(d => d.Name == format)?.Plugin ?? exporter.GetType().Assembly.GetName().Name ?? "";
        return new(exporter, PluginFaultException.Describe(kind == ComponentKind.NetworkExporter ? "network exporter" : "design exporter", format, plugin));
    }

    /// <summary>
    /// "'fpgaconvnet'" or "'a', 'b'": the formats of the loaded exporters of this kind; when there are none, "none (the shipped
    /// Hass.Models.Onnx plugin exports '<paramref name="shipped"/>')".
    /// </summary>
    public static string Formats<T>(IServiceProvider services, string shipped) where T : class
    {
        var names = services.GetService<HassComponents>()?.Names(KindOf<T>()) ?? [];
        return names.Count == 0 ? $"none (the shipped Hass.Models.Onnx plugin exports '{shipped}')" : string.Join(", ", names.Select(n => $"'{n}'"));
    }

    private static IEnumerable<ComponentDescriptor> Descriptors(IServiceProvider services, ComponentKind kind) =>
        services.GetService<HassComponents>()?.Descriptors.Where(d => d.Kind == kind) ?? [];

    private static ComponentKind KindOf<T>() =>
        typeof(T) == typeof(INetworkExporter) ? ComponentKind.NetworkExporter
        : typeof(T) == typeof(IDesignExporter) ? ComponentKind.DesignExporter
        : throw new ArgumentException($"{typeof(T).Name} is not an exporter type");
}
