using Hass.Models.Zoo;
using Hass.Pruning.Threshold;
using Hass.Torch.Evaluation;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Models.Onnx.Tests;

/// <summary>The ONNX plugin, threshold pruning and the torch evaluator composed as the CLI composes them (the zoo too when asked).</summary>
internal static class PluginServices
{
    public static ServiceProvider Build(bool withZoo = false)
    {
        var services = new ServiceCollection();
        new OnnxPlugin().ConfigureServices(services);
        if (withZoo) new ZooPlugin().ConfigureServices(services);
        new ThresholdPruningPlugin().ConfigureServices(services);
        services.AddHassTorch();
        return services.BuildServiceProvider();
    }
}
