using Hass.Board.Links;
using Hass.Abstractions;
using Hass.Board;
using Hass.Board.Protocol;
using Hass.Board.Testing;
using Hass.BoardEmulator.Engine;

namespace Hass.BoardEmulator.Tests;

/// <summary>A progress sink that runs synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class SyncProgress(Action<BoardProgress> report) : IProgress<BoardProgress>
{
    public void Report(BoardProgress value) => report(value);
}

/// <summary>What the emulator must report, computed in-process from the same design, weights and images.</summary>
internal static class Expected
{
    public static readonly MeasureOptions Options = new() { Repeats = 3, Images = 12, Warmup = 2, Seed = 5 };

    public static double[] Rates(MeasureOptions options, DeployableNetwork? network = null)
    {
        var emulated = new EmulatedNetwork(new DeploymentPackage(TinyNet.Design(), network ?? TinyNet.Network()), EmulatorOptions.DefaultBoard);
        var images = options.UploadImages is { } data ? ImageSet.Create(emulated.InputShape, data) : null;
        return Enumerable.Range(0, options.Repeats).Select(r =>
        {
            var result = RunExecutor.Execute(emulated, new RunRequest((uint)options.Images, (uint)options.Warmup, images is null ? ImageSource.Generated : ImageSource.Uploaded, options.Seed + (ulong)r), images, 250000);
            return options.Images * 250e6 / result.TotalCycles;
        }).ToArray();
    }

    public static void Matches(Measurement m, MeasureOptions options)
    {
        var rates = Rates(options);
        Assert.Equal(rates, m.Repeats);
        Assert.Equal(rates.Order().ElementAt(rates.Length / 2), m.MedianImagesPerSecond);
        Assert.Equal(Fidelity.Emulated, m.Fidelity);
        Assert.Equal(TinyNet.Design().DesignHash(), m.DesignHash);
        Assert.Equal(TinyNet.Design().Layers.Select(l => l.Layer), m.LayerCycles.Keys);
        Assert.Equal(options.Repeats * options.Images, m.Images);
        Assert.Equal(250, m.ClockMhz);
    }
}

public class TcpIntegrationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Probe_deploy_and_measure_against_the_emulator_process()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0", "--board-id", "EMU-TEST"]);
        output.WriteLine($"emulator started after {clock.ElapsedMilliseconds} ms");
        Assert.StartsWith("tcp:127.0.0.1:", emulator.Address);
        var info = await BoardRunner.ProbeAsync(emulator.Address, BoardLinks.Standard);
        Assert.Equal(("u250", "EMU-TEST", 250.0), (info.BoardName, info.BoardId, info.ClockMhz));
        Assert.StartsWith("hass-board-emulator", info.Firmware);
        Assert.True(info.Features.HasFlag(BoardFeatures.Emulated));

        await using var runner = new BoardRunner(emulator.Address, BoardLinks.Standard);
        var stages = new List<string>();
        output.WriteLine($"probed after {clock.ElapsedMilliseconds} ms");
        var m = await runner.MeasureAsync(TinyNet.Design(), TinyNet.Network(), Expected.Options, new SyncProgress(p => { stages.Add(p.Stage); output.WriteLine($"{clock.ElapsedMilliseconds} ms {p}"); }));
        output.WriteLine($"measured after {clock.ElapsedMilliseconds} ms");
        output.WriteLine(HassJson.Serialize(m, indented: true));
        output.WriteLine(BoardCommands.Describe(m, TinyNet.Design()));
        Expected.Matches(m, Expected.Options);
        Assert.Equal("EMU-TEST", m.BoardId);
        Assert.Equal(TinyNet.Design().Performance.ThroughputImagesPerSecond, m.PredictedImagesPerSecond);
        Assert.Contains("deploy", stages);
        Assert.Contains("measure", stages);
        Assert.True(m.LayerCycles["conv1"] > 0);
        Assert.True(runner.Session.RetriesUsed == 0, string.Join("\n", runner.Session.RetryLog));
    }

    [Fact]
    public async Task Uploaded_images_run_through_the_uploaded_weights()
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0"]);
        await using var runner = new BoardRunner(emulator.Address, BoardLinks.Standard);
        var images = TinyNet.Images(5);
        var options = Expected.Options with { Repeats = 1, UploadImages = images };
        var m = await runner.MeasureAsync(TinyNet.Design(), TinyNet.Network(), options);
        Assert.Equal(Expected.Rates(options), m.Repeats);

        // The classes the board predicted are those of an independent forward pass over the same images.
        var network = TinyNet.Network();
        var expected = Enumerable.Range(options.Warmup, options.Images).Select(i =>
        {
            var logits = ReferenceForward.Run(network, images.AsSpan(i % 5 * 64, 64).ToArray())["fc"];
            return (ushort)Array.IndexOf(logits, logits.Max());
        });
        Assert.Equal(expected, runner.LastRuns.Single().Predictions);
    }

    [Fact]
    public async Task A_design_for_another_board_or_too_large_is_refused_before_deploying()
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0"]);
        await using var runner = new BoardRunner(emulator.Address, BoardLinks.Standard);
        var other = await Assert.ThrowsAsync<BoardException>(() => runner.MeasureAsync(TinyNet.Design(board: "zcu102"), TinyNet.Network(), Expected.Options));
        Assert.Contains("'zcu102'", other.Message);
        Assert.Contains("'u250'", other.Message);
        var large = await Assert.ThrowsAsync<BoardException>(() => runner.DeployAsync(TinyNet.Design(dsp: 20000), TinyNet.Network()));
        Assert.Contains("needs 20000 DSP", large.Message);
        Assert.Equal(0u, (await runner.StatusAsync()).DesignId);
    }

    [Fact]
    public async Task A_second_runner_cannot_drive_a_board_already_in_use()
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0"]);
        await using var first = new BoardRunner(emulator.Address, BoardLinks.Standard);
        await first.ProbeAsync();
        var e = await Assert.ThrowsAsync<BoardLinkException>(() => BoardRunner.ProbeAsync(emulator.Address, BoardLinks.Standard, new BoardClientOptions { LockWait = TimeSpan.FromMilliseconds(200) }));
        Assert.Contains("in use by another runner in this process", e.Message);
    }

    [Fact]
    public async Task Another_process_holding_the_board_lock_file_keeps_the_runner_out()
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0"]);
        var lockFile = Hass.Board.Links.BoardLock.LockFileFor(emulator.Address);
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        // util-linux flock(1) takes the same flock(2) lock that .NET takes for FileShare.None.
        var info = new System.Diagnostics.ProcessStartInfo("flock") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-x", lockFile, "-c", "echo locked; sleep 30" }) info.ArgumentList.Add(a);
        using var holder = System.Diagnostics.Process.Start(info)!;
        try
        {
            Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync());
            var e = await Assert.ThrowsAsync<BoardLinkException>(() => BoardRunner.ProbeAsync(emulator.Address, BoardLinks.Standard, new BoardClientOptions { LockWait = TimeSpan.FromMilliseconds(300) }));
            Assert.Contains("in use by another process", e.Message);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            await holder.WaitForExitAsync();
        }
        Assert.Equal("u250", (await BoardRunner.ProbeAsync(emulator.Address, BoardLinks.Standard)).BoardName);
    }
}

public class SerialIntegrationTests
{
    [Fact]
    public async Task Probe_deploy_and_measure_over_a_real_pty_pair()
    {
        using var pty = new SocatPair();
        await using var emulator = await EmulatorProcess.StartAsync(["--serial", pty.B, "--baud", "921600"]);
        Assert.Equal($"serial:{pty.B}@921600", emulator.Address);
        var address = $"serial:{pty.A}@921600";
        await using var runner = new BoardRunner(address, BoardLinks.Standard);
        var info = await runner.ProbeAsync();
        Assert.Equal("u250", info.BoardName);
        var m = await runner.MeasureAsync(TinyNet.Design(), TinyNet.Network(), Expected.Options);
        Expected.Matches(m, Expected.Options);
    }

    [Fact]
    public async Task Measurement_over_a_noisy_serial_line_that_goes_silent_is_exact()
    {
        using var pty = new SocatPair();
        await using var emulator = await EmulatorProcess.StartAsync(["--serial", pty.B, "--corrupt-rate", "0.001", "--drop-rate", "0.0005", "--disconnect-after-frames", "15", "--seed", "21"]);
        await using var runner = new BoardRunner($"serial:{pty.A}@921600", BoardLinks.Standard, FaultTests.Client);
        var m = await runner.MeasureAsync(TinyNet.Design(), TinyNet.Network(), Expected.Options);
        Expected.Matches(m, Expected.Options);
        Assert.True(runner.Session.RetriesUsed > 0, "the faults should have forced at least one re-send");
    }
}

public class FaultTests
{
    internal static readonly BoardClientOptions Client = new()
    {
        ReplyTimeout = TimeSpan.FromMilliseconds(200), AttemptsPerRequest = 12, RetryBudget = 400, ReconnectDelay = TimeSpan.FromMilliseconds(50),
    };

    [Theory]
    [InlineData("corrupt", "--corrupt-rate", "0.001", "--seed", "3")]
    [InlineData("drop", "--drop-rate", "0.001", "--seed", "4")]
    [InlineData("delay", "--delay-ms", "15")]
    [InlineData("disconnect", "--disconnect-after-frames", "7")]
    [InlineData("reboot", "--reboot-during-deploy")]
    [InlineData("reboot-at-run", "--reboot-at-run", "2")]
    [InlineData("all", "--corrupt-rate", "0.001", "--drop-rate", "0.0005", "--delay-ms", "2", "--disconnect-after-frames", "20", "--seed", "9")]
    public async Task Measurement_through_faults_equals_the_clean_measurement(string fault, params string[] args)
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0", .. args]);
        await using var runner = new BoardRunner(emulator.Address, BoardLinks.Standard, Client);
        var messages = new List<string>();
        var m = await runner.MeasureAsync(TinyNet.Design(), TinyNet.Network(), Expected.Options, new SyncProgress(p => messages.Add(p.Message)));
        Expected.Matches(m, Expected.Options);
        switch (fault)
        {
            case "corrupt" or "drop" or "all": Assert.True(runner.Session.RetriesUsed > 0); break;
            case "disconnect": Assert.True(runner.Session.Reconnects > 0); break;
            case "reboot": Assert.Contains(messages, s => s.Contains("restarting") || s.Contains("lost the transfer")); break;
            case "reboot-at-run": Assert.Contains(messages, s => s.Contains("deploying again")); break;
        }
    }

    [Fact]
    public async Task A_hopeless_line_fails_with_a_clear_error_after_the_retry_budget()
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0", "--corrupt-rate", "0.3", "--seed", "5"]);
        var client = Client with { ReplyTimeout = TimeSpan.FromMilliseconds(100), AttemptsPerRequest = 5, RetryBudget = 12 };
        await using var runner = new BoardRunner(emulator.Address, BoardLinks.Standard, client);
        Measurement? result = null;
        var e = await Assert.ThrowsAsync<BoardException>(async () => result = await runner.MeasureAsync(TinyNet.Design(), TinyNet.Network(), Expected.Options));
        Assert.Null(result);
        Assert.Contains(emulator.Address, e.Message);
        Assert.True(e.Message.Contains("attempts") || e.Message.Contains("retry budget"), e.Message);
    }

    [Fact]
    public async Task A_board_that_dies_mid_deploy_fails_the_measurement_with_a_clear_error()
    {
        var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0"]);
        try
        {
            var client = Client with { AttemptsPerRequest = 4, ReplyTimeout = TimeSpan.FromMilliseconds(200) };
            await using var runner = new BoardRunner(emulator.Address, BoardLinks.Standard, client, new DeployOptions { MaxChunkBytes = 512 });
            Measurement? result = null;
            var progress = new SyncProgress(p => { if (p.Stage == "deploy" && p.Done > 2048) emulator.Kill(); });
            var e = await Assert.ThrowsAnyAsync<Exception>(async () => result = await runner.MeasureAsync(TinyNet.Design(), TinyNet.Network(), Expected.Options, progress));
            Assert.Null(result);
            Assert.True(e is BoardException or BoardLinkException, e.ToString());
            Assert.Contains(emulator.Address, e.Message);
        }
        finally
        {
            await emulator.DisposeAsync();
        }
    }
}
