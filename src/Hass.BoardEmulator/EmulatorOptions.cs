using System.Globalization;
using Hass.Abstractions;

namespace Hass.BoardEmulator;

/// <summary>Command line of hass-board-emulator (see <see cref="Usage"/>).</summary>
public sealed record EmulatorOptions
{
    public string? Tcp { get; init; }
    public string? Serial { get; init; }
    public int Baud { get; init; } = 921600;
    public string? BoardFile { get; init; }
    public string? BoardId { get; init; }
    public double CorruptRate { get; init; }
    public double DropRate { get; init; }
    public int DelayMs { get; init; }
    public int DisconnectAfterFrames { get; init; }
    public bool RebootDuringDeploy { get; init; }
    public int RebootAtRun { get; init; }
    public ulong Seed { get; init; } = 1;
    /// <summary>Exit when standard input closes (used by tests and `hass board emulate` so no emulator outlives its parent).</summary>
    public bool ExitOnStdinClose { get; init; }

    public const string Usage = """
        hass-board-emulator: a virtual FPGA board speaking the HASS board protocol v1 (boards/PROTOCOL.md).

        usage: hass-board-emulator [--tcp HOST:PORT | --serial DEVICE [--baud N]] [options]
          --tcp HOST:PORT               listen on TCP (default 127.0.0.1:0 = loopback, any free port; the
                                        chosen address is printed on stdout as "listening tcp:HOST:PORT")
          --serial DEVICE               serve on a serial device, e.g. one end of a socat pty pair
          --baud N                      baud rate for --serial (default 921600)
          --board FILE                  board JSON (boards/*.json); default: built-in u250 figures
          --board-id ID                 serial number reported in INFO
        fault injection (all off by default):
          --corrupt-rate P              flip one bit of each byte with probability P, both directions
          --drop-rate P                 drop each byte with probability P, both directions
          --delay-ms N                  wait N ms before each reply
          --disconnect-after-frames N   drop the connection after every N received frames
                                        (serial: go silent for 1 s and discard input)
          --reboot-during-deploy        reboot (forget all state) when the first design transfer is half done
          --reboot-at-run N             reboot instead of answering the N-th RUN request
          --seed N                      seed of the fault generator (default 1)
          --exit-on-stdin-close         exit when standard input reaches end of file
        """;

    public static EmulatorOptions Parse(IReadOnlyList<string> args)
    {
        var o = new EmulatorOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"option {arg} needs a value; see --help");
            double Rate()
            {
                var v = Value();
                return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1
                    ? r : throw new ArgumentException($"option {arg}: '{v}' is not a probability in [0, 1]");
            }
            int Int(int min)
            {
                var v = Value();
                return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) && r >= min
                    ? r : throw new ArgumentException($"option {arg}: '{v}' is not an integer ≥ {min}");
            }
            o = arg switch
            {
                "--tcp" => o with { Tcp = Value() },
                "--serial" => o with { Serial = Value() },
                "--baud" => o with { Baud = Int(1) },
                "--board" => o with { BoardFile = Value() },
                "--board-id" => o with { BoardId = Value() },
                "--corrupt-rate" => o with { CorruptRate = Rate() },
                "--drop-rate" => o with { DropRate = Rate() },
                "--delay-ms" => o with { DelayMs = Int(0) },
                "--disconnect-after-frames" => o with { DisconnectAfterFrames = Int(1) },
                "--reboot-during-deploy" => o with { RebootDuringDeploy = true },
                "--reboot-at-run" => o with { RebootAtRun = Int(1) },
                "--seed" => o with { Seed = ulong.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : throw new ArgumentException($"option --seed: '{args[i]}' is not a non-negative integer") },
                "--exit-on-stdin-close" => o with { ExitOnStdinClose = true },
                _ => throw new ArgumentException($"unknown option '{arg}'; see --help"),
            };
        }
        if (o.Tcp is not null && o.Serial is not null) throw new ArgumentException("give either --tcp or --serial, not both");
        if (o.Tcp is null && o.Serial is null) o = o with { Tcp = "127.0.0.1:0" };
        return o;
    }

    /// <summary>The board the emulator impersonates: the file given, or built-in u250 figures (the HASS platform).</summary>
    public BoardSpec LoadBoard()
    {
        if (BoardFile is null) return DefaultBoard;
        BoardSpec board;
        try { board = HassJson.ReadFile<BoardSpec>(BoardFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            throw new ArgumentException($"board file {BoardFile}: {e.Message}");
        }
        var errors = board.Validate();
        if (errors.Count > 0) throw new ArgumentException($"board file {BoardFile}: {string.Join("; ", errors)}");
        return board;
    }

    public static BoardSpec DefaultBoard { get; } = new()
    {
        Name = "u250", Part = "xcu250-figd2104-2L-e", Description = "Alveo U250 (fpgaConvNet platform figures), emulated",
        Dsp = 12288, Bram18 = 5376, Uram = 1280, Lut = 1728000, Ff = 3456000, ClockMhz = 250, MemoryBandwidthGbps = 614.4,
        ReconfigurationSeconds = 0.08255, PortWidthBits = 512,
    };
}
