namespace Hass.BoardEmulator.Tests;

public class EmulatorOptionsTests
{
    [Fact]
    public void Defaults_to_loopback_tcp_on_any_port()
    {
        var o = EmulatorOptions.Parse([]);
        Assert.Equal("127.0.0.1:0", o.Tcp);
        Assert.Equal("u250", o.LoadBoard().Name);
    }

    [Fact]
    public void Fault_options_parse()
    {
        var o = EmulatorOptions.Parse(["--serial", "/dev/pts/7", "--baud", "115200", "--corrupt-rate", "0.001", "--drop-rate", "0.01",
            "--delay-ms", "5", "--disconnect-after-frames", "100", "--reboot-during-deploy", "--reboot-at-run", "3", "--seed", "42"]);
        Assert.Equal(("/dev/pts/7", 115200, 0.001, 0.01, 5, 100, true, 3, 42UL),
            (o.Serial, o.Baud, o.CorruptRate, o.DropRate, o.DelayMs, o.DisconnectAfterFrames, o.RebootDuringDeploy, o.RebootAtRun, o.Seed));
    }

    [Theory]
    [InlineData("--corrupt-rate", "1.5")]
    [InlineData("--delay-ms", "-1")]
    [InlineData("--bogus", "1")]
    [InlineData("--tcp")]
    public void Bad_options_are_named(params string[] args)
    {
        var e = Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(args));
        Assert.Contains(args[0], e.Message);
    }

    [Fact]
    public void A_bad_board_file_is_refused_with_its_problems()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, """{ "name": "x", "dsp": 0, "bram18": 1, "lut": 1, "ff": 1, "clockMhz": 200, "memoryBandwidthGbps": 1 }""");
            var e = Assert.Throws<ArgumentException>(() => (EmulatorOptions.Parse(["--board", path])).LoadBoard());
            Assert.Contains("dsp", e.Message);
            Assert.Contains(path, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
