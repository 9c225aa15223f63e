namespace Hass.Torch.Tests;

/// <summary>libtorch's NNPACK backend is off once the runtime is configured (it warns on every convolution where it cannot start).</summary>
public class NnpackTests
{
    [Fact]
    public void Configuring_the_runtime_turns_nnpack_off()
    {
        TorchRuntime.Configure(1);
        Assert.False(Nnpack.Enabled());
        Assert.True(Nnpack.Disable());
    }
}
