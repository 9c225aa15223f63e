using System.Globalization;
using System.Net;
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
    /// <summary>Memory the emulator may use for one design and its runs; larger designs and runs are refused.</summary>
    public long MemoryBudgetBytes { get; init; } = DefaultMemoryBudgetBytes;
    public const long DefaultMemoryBudgetBytes = 2L << 30;
    /// <summary>Conformance fault: no reply cache (a re-sent RUN runs twice).</summary>
    public bool IgnoreSequenceNumbers { get; init; }
    /// <summary>Conformance fault: accept designs made for another board.</summary>
    public bool AcceptForeignDesigns { get; init; }
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
          --memory-budget SIZE          memory for one design and its runs, e.g. 512MiB, 4GiB (default 2GiB,
                                        range 16MiB..1TiB); larger designs, transfers and runs are refused
        fault injection (all off by default):
          --corrupt-rate P              flip one bit of each byte with probability P, both directions
          --drop-rate P                 drop each byte with probability P, both directions
          --delay-ms N                  wait N ms before each reply
          --disconnect-after-frames N   drop the connection after every N received frames
                                        (serial: go silent for 1 s and discard input)
          --reboot-during-deploy        reboot (forget all state) when the first design transfer is half done
          --reboot-at-run N             reboot instead of answering the N-th RUN request
          --seed N                      seed of the fault generator (default 1)
        conformance faults (a broken firmware for testing `hass board selftest`):
          --ignore-sequence-numbers     no reply cache: a re-sent RUN or COMMIT is executed again
          --accept-foreign-designs      accept designs made for another board
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
                "--memory-budget" => o with { MemoryBudgetBytes = ByteSize.Parse(arg, Value(), 16L << 20, 1L << 40) },
                "--ignore-sequence-numbers" => o with { IgnoreSequenceNumbers = true },
                "--accept-foreign-designs" => o with { AcceptForeignDesigns = true },
                _ => throw new ArgumentException($"unknown option '{arg}'; see --help"),
            };
        }
        if (o.Tcp is not null && o.Serial is not null) throw new ArgumentException("give either --tcp or --serial, not both");
        if (o.Tcp is null && o.Serial is null) o = o with { Tcp = "127.0.0.1:0" };
        // Checked now so that a bad address or board file is bad input (exit 2), not a failure to start.
        if (o.Tcp is not null) ParseEndpoint(o.Tcp);
        o.LoadBoard();
        return o;
    }

    /// <summary>The --tcp address as an endpoint; throws <see cref="ArgumentException"/> naming the problem.</summary>
    public static IPEndPoint ParseEndpoint(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
            throw new ArgumentException($"--tcp '{text}': expected HOST:PORT, e.g. 127.0.0.1:5555 (port 0 = any free port)");
        var host = text[..colon].Trim('[', ']');
        var address = host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var ip) && (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || host.Count(ch => ch == '.') == 3) ? ip
            : throw new ArgumentException($"--tcp '{text}': '{host}' is not an IP address");
        return new IPEndPoint(address, port);
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
