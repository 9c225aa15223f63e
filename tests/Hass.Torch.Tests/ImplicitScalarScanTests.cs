using Hass.Testing;
using Hass.Torch.Models;
using static TorchSharp.torch;

namespace Hass.Torch.Tests;

/// <summary>
/// The deterministic half of the Scalar-lifetime guarantee (the stress test is the other): no method of Hass.Torch
/// converts a number to a TorchSharp Scalar (or tensor) implicitly, or calls a TorchSharp overload that does.
/// </summary>
public class ImplicitScalarScanTests
{
    [Fact]
    public void Hass_Torch_never_converts_numbers_to_Scalars_or_tensors_implicitly()
    {
        var offenders = ImplicitScalarScan.Offenders(typeof(ActivationSite).Assembly).ToList();
        Assert.True(offenders.Count == 0, "implicit TorchSharp conversions (create, keep and dispose the Scalar explicitly):\n" + string.Join("\n", offenders));
    }

    private static class Offending
    {
        public static Tensor Sum(Tensor a, Tensor b) => a + b;
        public static Tensor Twice(Tensor a) => a * 2.0;
        public static Tensor Below(Tensor a) => a.le(0.5);
        public static Tensor AddInPlace(Tensor a, Tensor b) => a.add_(b);
    }

    [Fact]
    public void The_scan_finds_each_kind_of_call()
    {
        var found = ImplicitScalarScan.Offenders(typeof(ImplicitScalarScanTests).Assembly).Where(o => o.Contains("+Offending.")).ToList();
        Assert.Equal(4, found.Count);
        Assert.Contains(found, o => o.Contains("Offending.Sum calls Tensor.op_Addition(Tensor, Tensor)"));
        Assert.Contains(found, o => o.Contains("Offending.Twice calls Tensor.op_Multiply(Tensor, Double)"));
        Assert.Contains(found, o => o.Contains("Offending.Below calls Scalar.op_Implicit(Double)"));
        Assert.Contains(found, o => o.Contains("Offending.AddInPlace calls Tensor.add_(Tensor)"));
    }
}
