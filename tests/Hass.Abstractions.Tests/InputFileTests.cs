using Hass.Testing;

namespace Hass.Abstractions.Tests;

/// <summary>An input file's bytes within a bound: any content, but only from a regular file.</summary>
public class InputFileTests
{
    [Fact]
    public void A_binary_file_within_the_bound_is_read_whole()
    {
        var path = Path.Combine(TestFolders.Create(), "cluster.pfx");
        byte[] bytes = [0x30, 0x82, 0xff, 0x00, 0xfe];
        File.WriteAllBytes(path, bytes);
        Assert.Equal(bytes, InputFile.ReadBytes(path, 5));
        Assert.Equal($"{path}: is larger than 4 bytes (5 bytes); a HASS file of this kind is at most that size",
            Assert.Throws<InputFileException>(() => InputFile.ReadBytes(path, 4)).Message);
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/null")]
    public void A_device_is_refused_without_being_read(string device) =>
        Assert.Equal("is empty or not a regular file", Assert.Throws<InputFileException>(() => InputFile.ReadBytes(device, 1 << 20)).Problem);
}
