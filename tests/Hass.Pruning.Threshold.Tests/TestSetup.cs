using System.Runtime.CompilerServices;

namespace Hass.Pruning.Threshold.Tests;

internal static class TestSetup
{
    /// <summary>One libtorch thread: the machine is shared, and tests stay deterministic and light.</summary>
    [ModuleInitializer]
    internal static void OneThread() => TorchSharp.torch.set_num_threads(1);
}
