using Hass.Testing;

namespace Hass.Bench.Confirmation.Tests;

/// <summary>The confirmation bench's probes hold their Scalars as Hass.Torch does: hour-long probes must not fail on TorchSharp's race.</summary>
public class ImplicitScalarScanTests
{
    [Fact]
    public void The_confirmation_bench_never_converts_numbers_to_Scalars_or_tensors_implicitly()
    {
        var offenders = ImplicitScalarScan.Offenders(typeof(MirrorProbe).Assembly).ToList();
        Assert.True(offenders.Count == 0, "implicit TorchSharp conversions (create, keep and dispose the Scalar explicitly):\n" + string.Join("\n", offenders));
    }
}
