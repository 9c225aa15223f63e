using Hass.Abstractions;
using Hass.Torch.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Models.Zoo;

/// <summary>Registers the model zoo: three Fashion-MNIST CNNs and five TorchVision ImageNet architectures.</summary>
public sealed class ZooPlugin : IHassPlugin
{
    public static IReadOnlyList<IModelProvider> Models { get; } =
    [
        new FashionMnistVgg(),
        new FashionMnistResNet(),
        new FashionMnistMobileNet(),
        new ImageNetResNet("resnet18", bottleneck: false, [2, 2, 2, 2]),
        new ImageNetResNet("resnet50", bottleneck: true, [3, 4, 6, 3]),
        new ImageNetMobileNetV2(),
        new ImageNetMobileNetV3(large: false),
        new ImageNetMobileNetV3(large: true),
    ];

    public void ConfigureServices(IServiceCollection services)
    {
        foreach (var model in Models) services.AddHassComponent(ComponentKind.Model, model);
    }
}
