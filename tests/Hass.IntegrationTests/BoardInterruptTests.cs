using System.Diagnostics;
using System.Security.Cryptography;
using Hass.BoardEmulator;
using Hass.Board.Protocol;
using Hass.Cli;

namespace Hass.IntegrationTests;

/// <summary>
/// Ctrl-C / SIGTERM on `hass board measure|probe|selftest` as real processes, against the emulator process (slowed
/// with --delay-ms) behind a <see cref="BoardRelay"/> that shows what the host sent and can make the board go silent:
/// exit 130 with one line, the link closed, the store as it was and free for the next command, the run aborted.
/// </summary>
public class BoardInterruptTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);
    /// <summary>A board that stopped answering would keep a request waiting for 8 attempts of 1 s each.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(4);
    private static readonly string ToyBoard = Path.Combine(HassProcess.FixtureBoards, "toy-board.json");
    private const string MeasureStopped = "error: interrupted: board measure stopped; no measurement was stored";

    /// <summary>A store with the synthetic campaign's two trials, made once; each test measures on a copy.</summary>
    private static readonly Lazy<string> Template = new(() =>
    {
        var dir = HassProcess.TempDir();
        var campaign = Path.Combine(dir, "campaign.json");
        File.WriteAllText(campaign, File.ReadAllText(HassProcess.SyntheticCampaign).Replace("\"trials\": 20", "\"trials\": 2"));
        var store = Path.Combine(dir, "template.db");
        var (code, stdout, stderr) = HassProcess.RunIn(dir, Long, ["run", campaign, .. HassProcess.Common(store)]);
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{stdout}\n{stderr}");
        return store;
    });

    private static string CopyOfTemplate()
    {
        var store = Path.Combine(HassProcess.TempDir(), "hass.db");
        File.Copy(Template.Value, store);
        return store;
    }

    private static string[] Measure(string store, string link, int repeats) =>
        ["board", "measure", "synthetic", "--trial", "1", "--link", link, "--repeats", repeats.ToString(System.Globalization.CultureInfo.InvariantCulture), "--images", "2", .. HassProcess.Common(store)];

    /// <summary>
    /// A `board measure` of 1000 runs on a copy of the template store (<see cref="Before"/>: its hash) through a relay to
    /// the emulator (slowed by 20 ms a reply), started and under way: the relay has seen its first RUN.
    /// </summary>
    private sealed record MeasureUnderWay(string Store, byte[] Before, EmulatorProcess Emulator, BoardRelay Relay, HassProcess Hass) : IAsyncDisposable
    {
        public static async Task<MeasureUnderWay> StartAsync()
        {
            var store = CopyOfTemplate();
            var before = SHA256.HashData(File.ReadAllBytes(store));
            var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0", "--board", ToyBoard, "--delay-ms", "20"]);
            var relay = BoardRelay.Start(emulator.Address);
            var measure = HassProcess.Start(Measure(store, relay.Address, 1000));
            Assert.True(relay.WaitForRequests(t => t == FrameType.Run, 1, Long), measure.Out + measure.Err);
            return new MeasureUnderWay(store, before, emulator, relay, measure);
        }

        public async ValueTask DisposeAsync()
        {
            Hass.Dispose();
            await Relay.DisposeAsync();
            await Emulator.DisposeAsync();
        }
    }

    private (int Code, TimeSpan Took) SignalAndWait(HassProcess hass, string signal)
    {
        var watch = Stopwatch.StartNew();
        hass.Signal(signal);
        var code = hass.WaitForExit(Long);
        output.WriteLine($"exit {code} {watch.Elapsed.TotalMilliseconds:0} ms after SIG{signal}\nstdout: {hass.Out}\nstderr: {hass.Err}");
        return (code, watch.Elapsed);
    }

    /// <summary>The store file is byte for byte what it was, its PID file is gone (closed as after a normal exit) and the next command can write it.</summary>
    private static void AssertStoreUntouchedAndFree(string store, byte[] before)
    {
        Assert.Equal(Convert.ToHexString(before), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(store))));
        Assert.False(File.Exists(store + ".lock.pid"), "the store's PID file was left behind");
    }

    [Fact]
    public async Task Ctrl_C_mid_measure_exits_130_stores_nothing_aborts_the_run_and_the_next_measure_works()
    {
        await using var under = await MeasureUnderWay.StartAsync();
        var (store, before, emulator, relay, measure) = under;

        var (code, _) = SignalAndWait(measure, "INT");

        Assert.Equal(ExitCodes.Interrupted, code);
        Assert.Equal(MeasureStopped, measure.Err.Trim());
        Assert.Equal("", measure.Out.Trim());
        // The connection was closed, not dropped, after a RESET (its last request) aborted the run it left.
        Assert.True(relay.WaitForHostClose(Prompt));
        Assert.Equal(FrameType.Reset, relay.Requests[^1]);
        AssertStoreUntouchedAndFree(store, before);
        var next = HassProcess.Run(Long, Measure(store, emulator.Address, 1));
        Assert.True(next.ExitCode == ExitCodes.Success, $"exit {next.ExitCode}\n{next.Out}\n{next.Err}");
        Assert.Contains("median of 1", next.Out);
    }

    [Fact]
    public async Task SIGTERM_while_a_board_that_went_silent_is_awaited_stops_the_measure_at_once()
    {
        await using var under = await MeasureUnderWay.StartAsync();
        var (store, before, emulator, relay, measure) = under;
        relay.GoSilent();
        // A request sent after the board went silent: the host now waits for a reply that never comes.
        var sent = relay.Requests.Count;
        Assert.True(relay.WaitForRequests(_ => true, sent + 1, Long));

        var (code, took) = SignalAndWait(measure, "TERM");

        Assert.Equal(ExitCodes.Interrupted, code);
        Assert.True(took < Prompt, $"took {took} to stop");
        Assert.Equal(MeasureStopped, measure.Err.Trim());
        Assert.True(relay.WaitForHostClose(Prompt));
        AssertStoreUntouchedAndFree(store, before);
    }

    [Fact]
    public async Task Ctrl_C_while_probe_waits_for_a_silent_peer_exits_130_at_once_and_closes_the_connection()
    {
        await using var peer = BoardRelay.Start(null);
        using var probe = HassProcess.Start("board", "probe", peer.Address);
        Assert.True(peer.WaitForRequests(t => t == FrameType.Hello, 1, Long), probe.Out + probe.Err);

        var (code, took) = SignalAndWait(probe, "INT");

        Assert.Equal(ExitCodes.Interrupted, code);
        Assert.True(took < Prompt, $"took {took} to stop");
        Assert.Equal("error: interrupted: board probe stopped; a probe changes nothing on the board", probe.Err.Trim());
        Assert.True(peer.WaitForHostClose(Prompt));
    }

    [Fact]
    public async Task Ctrl_C_while_probe_waits_on_a_silent_serial_line_releases_the_port_for_the_next_probe()
    {
        using var pty = new Hass.Board.Testing.SocatPair();
        var link = $"serial:{pty.A}@921600";
        using (var line = new FileStream(pty.B, FileMode.Open, FileAccess.ReadWrite))
        {
            // The test holds the board's end of the line: it reads the HELLO and answers nothing.
            using var probe = HassProcess.Start("board", "probe", link);
            var hello = await Task.Run(() => line.Read(new byte[64])).WaitAsync(Long);
            Assert.True(hello > 0, probe.Out + probe.Err);

            var (code, took) = SignalAndWait(probe, "INT");

            Assert.Equal(ExitCodes.Interrupted, code);
            Assert.True(took < Prompt, $"took {took} to stop");
            Assert.Equal("error: interrupted: board probe stopped; a probe changes nothing on the board", probe.Err.Trim());
        }
        // The port and the board's lock were given back: a board on the line now answers the next probe.
        await using var emulator = await EmulatorProcess.StartAsync(["--serial", pty.B]);
        var next = HassProcess.Run(Long, "board", "probe", link);
        Assert.True(next.ExitCode == ExitCodes.Success, $"exit {next.ExitCode}\n{next.Out}\n{next.Err}");
        Assert.Contains("board      u250", next.Out);
    }

    [Fact]
    public async Task Ctrl_C_mid_selftest_prints_the_checks_that_ran_and_exits_130()
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0", "--delay-ms", "20"]);
        await using var relay = BoardRelay.Start(emulator.Address);
        using var selftest = HassProcess.Start("board", "selftest", relay.Address, "--reply-timeout", "20");
        // The transfer group comes after the framing and first reset checks.
        Assert.True(relay.WaitForRequests(t => t == FrameType.TransferBegin, 1, Long), selftest.Out + selftest.Err);

        var (code, _) = SignalAndWait(selftest, "INT");

        Assert.Equal(ExitCodes.Interrupted, code);
        Assert.Contains("PASS  framing", selftest.Out);
        Assert.Matches(@"(\d+) of \1 checks passed; \d+ not run \(interrupted\)", selftest.Out);
        Assert.StartsWith("error: interrupted: board selftest stopped during the check '", selftest.Err.Trim());
        Assert.Single(selftest.Err.Trim().Split('\n'));
    }
}
