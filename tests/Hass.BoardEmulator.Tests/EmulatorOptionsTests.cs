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

    [Theory]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("2G", 2L << 30)]
    [InlineData("16777216", 16L << 20)]
    [InlineData("1.5GiB", 3L << 29)]
    public void Memory_budget_takes_bytes_or_binary_units(string text, long bytes) =>
        Assert.Equal(bytes, EmulatorOptions.Parse(["--memory-budget", text]).MemoryBudgetBytes);

    [Fact]
    public void Memory_budget_defaults_to_2_GiB_and_bounds_transfers_to_a_quarter() =>
        Assert.Equal((2L << 30, 512L << 20), (EmulatorOptions.Parse([]).MemoryBudgetBytes, new DesignLimits(EmulatorOptions.DefaultBoard, 2L << 30).MaxTransferBytes));

    [Theory]
    [InlineData("--memory-budget", "1MiB")]
    [InlineData("--memory-budget", "-5G")]
    [InlineData("--memory-budget", "2PiB")]
    [InlineData("--tcp", "999.1.1.1:5")]
    [InlineData("--tcp", "5:5")]
    [InlineData("--tcp", "127.0.0.1:65536")]
    [InlineData("--board", "/nonexistent/board.json")]
    public void Bad_values_are_refused_at_parse_time(string option, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse([option, value]));
        Assert.Contains(option == "--board" ? value : option, e.Message);
    }

    [Theory]
    [InlineData("--board")]
    [InlineData("--serial")]
    public void An_empty_path_is_refused_naming_the_option(string option) =>
        Assert.StartsWith($"option {option}: the path is empty", Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse([option, ""])).Message);

    [Fact]
    public void Conformance_faults_parse() =>
        Assert.Equal((true, true), (EmulatorOptions.Parse(["--ignore-sequence-numbers", "--accept-foreign-designs"]) is var o ? (o.IgnoreSequenceNumbers, o.AcceptForeignDesigns) : default));
}

public class EmulatorCommandLineTests
{
    [Fact]
    public void Help_lists_every_option_with_its_default_and_exits_0()
    {
        var output = new StringWriter();
        var root = EmulatorCommandLine.Build((_, _) => Task.FromResult(1));
        int code = root.Parse(["--help"]).Invoke(new System.CommandLine.InvocationConfiguration { Output = output });
        var help = output.ToString();
        Assert.Equal(0, code);
        foreach (var option in new[] { "--tcp", "--serial", "--baud", "--board", "--board-id", "--memory-budget", "--corrupt-rate", "--drop-rate", "--delay-ms",
                     "--disconnect-after-frames", "--reboot-during-deploy", "--reboot-at-run", "--seed", "--ignore-sequence-numbers", "--accept-foreign-designs", "--exit-on-stdin-close" })
            Assert.Contains(option, help);
        Assert.Contains("[default: 921600]", help);
        Assert.Contains("default 2GiB", help);
    }

    [Fact]
    public void A_good_command_line_reaches_the_action_with_its_options()
    {
        EmulatorOptions? seen = null;
        var root = EmulatorCommandLine.Build((options, _) => { seen = options; return Task.FromResult(7); });
        int code = root.Parse(["--tcp", "127.0.0.1:0", "--seed", "9", "--exit-on-stdin-close"]).Invoke();
        Assert.Equal((7, "127.0.0.1:0", 9UL, true), (code, seen?.Tcp, seen?.Seed, seen?.ExitOnStdinClose));
    }

    [Theory]
    [InlineData("--memory-budget")]
    [InlineData("--seed")]
    public void An_option_without_its_value_is_named(string option) =>
        Assert.Equal($"option {option} needs a value; see --help", EmulatorCommandLine.FirstProblem(EmulatorCommandLine.Build((_, _) => Task.FromResult(0)).Parse([option])));
}
