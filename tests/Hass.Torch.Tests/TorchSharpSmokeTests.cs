using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Tests;

public class TorchSharpSmokeTests
{
    [Fact]
    public void LoadsLibTorchAndRunsAConvolution()
    {
        var input = ones(1, 1, 4, 4);
        var weight = ones(2, 1, 3, 3);
        using var output = nn.functional.conv2d(input, weight, padding: new long[] { 1, 1 });
        Assert.Equal(new long[] { 1, 2, 4, 4 }, output.shape);
        Assert.Equal(4f, output[0, 0, 0, 0].item<float>());
        Assert.Equal(9f, output[0, 1, 1, 1].item<float>());
    }
}
