using Hass.Abstractions;
using Hass.Pruning.Threshold;
using Hass.Torch.Evaluation;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Models.Zoo.Tests;

/// <summary>
/// 8-bit evaluation (a campaign's quantisation section): fmnist-vgg with 8-bit weights and activations (per-node
/// formats calibrated on training images) stays within 1 point of 16-bit on the 10k test images; the weights really
/// take at most 2^8 levels per tensor, and the cache key tells the widths apart.
/// </summary>
public sealed class QuantisationTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly ServiceProvider _services = Services();

    private static ServiceProvider Services()
    {
        var services = new ServiceCollection();
        new ZooPlugin().ConfigureServices(services);
        new ThresholdPruningPlugin().ConfigureServices(services);
        services.AddHassTorch();
        return services.BuildServiceProvider();
    }

    public void Dispose() => _services.Dispose();

    private TorchTrialEvaluator Create(QuantisationSpec? quantisation) =>
        _services.GetRequiredService<TorchTrialEvaluatorFactory>().CreateEvaluator(new EvaluatorSpec
        {
            Model = "fmnist-vgg", Pruning = "threshold", SearchImages = 500, CalibrationImages = 256, Quantisation = quantisation,
            Checkpoint = ZooPlugin.Models.Single(m => m.Name == "fmnist-vgg").ShippedCheckpoint,
        });

    [Fact]
    public void Fmnist_vgg_at_8_bits_is_within_one_point_of_16_bits()
    {
        using var wide = Create(null);
        using var narrow = Create(new QuantisationSpec { ActivationBits = 8, WeightBits = 8 });
        var test = new EvaluationRequest { Split = "test", Profile = false };
        var top16 = wide.Evaluate(wide.SearchSpace.Defaults(), test).Top1;
        var top8 = narrow.Evaluate(narrow.SearchSpace.Defaults(), test).Top1;
        output.WriteLine($"fmnist-vgg test top-1: 16/16 {top16:F2} %, 8/8 {top8:F2} %");
        Assert.InRange(top8, top16 - 1, top16 + 1);
        Assert.NotEqual(wide.Fingerprint, narrow.Fingerprint);

        var formats = narrow.Network.NarrowActivations!;
        Assert.Equal(8, formats.Bits);
        Assert.Equal(narrow.Network.Nodes.Count, formats.FractionBits.Count);
        foreach (var node in narrow.Network.WeightNodes)
        {
            var levels = node.Weight.data<float>().ToArray().Distinct().Count();
            Assert.True(levels <= 256, $"{node.Name}: {levels} weight levels at 8 bits");
        }
        Assert.Null(wide.Network.NarrowActivations);
        Assert.Contains(wide.Network.WeightNodes, n => n.Weight.data<float>().ToArray().Distinct().Count() > 256);
    }
}
