using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Hass.Board.Protocol;
using Hass.Board.Testing;

namespace Hass.Board.Tests;

/// <summary>Package headers whose sizes overflow 64-bit products or sums are refused with a ProtocolException.</summary>
public class PackageBoundsTests
{
    [Theory]
    [InlineData(1u << 31, 1u << 31, 1u, 1u)]
    [InlineData(uint.MaxValue, uint.MaxValue, uint.MaxValue, uint.MaxValue)]
    [InlineData(1u << 30, 4u, 1u << 30, 4u)]
    [InlineData(1u, 1u << 31, 1u, 1u)]
    public void An_image_set_header_whose_size_overflows_is_refused(uint count, uint channels, uint rows, uint cols)
    {
        var bytes = ImageSet.Header(count, channels, rows, cols, dataBytes: 16);
        Assert.Throws<ProtocolException>(() => ImageSet.Decode(bytes));
    }

    [Theory]
    [InlineData("weightsOffset", "9223372036854775807")]
    [InlineData("biasOffset", "9223372036854775807")]
    [InlineData("weightsOffset", "9223372036854775000")]
    [InlineData("weightsCount", "-1")]
    public void A_tensor_entry_past_the_data_section_is_refused(string field, string value)
    {
        var package = new DeploymentPackage(TinyNet.Design(), TinyNet.Network()).Encode();
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(package.AsSpan(8));
        var manifest = Encoding.UTF8.GetBytes(Regex.Replace(Encoding.UTF8.GetString(package, 12, length), $"\"{field}\"\\s*:\\s*\\d+", $"\"{field}\": {value}"));
        byte[] edited = [.. package.AsSpan(0, 8), 0, 0, 0, 0, .. manifest, .. package.AsSpan(12 + length)];
        BinaryPrimitives.WriteUInt32LittleEndian(edited.AsSpan(8), (uint)manifest.Length);
        var e = Assert.Throws<ProtocolException>(() => DeploymentPackage.Decode(edited));
        Assert.Contains("outside the data section", e.Message);
    }
}
