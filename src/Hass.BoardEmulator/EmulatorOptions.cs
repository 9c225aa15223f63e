using System.Globalization;
using System.Net;
using Hass.Abstractions;

namespace Hass.BoardEmulator;

/// <summary>What hass-board-emulator was asked to do (its command line: <see cref="EmulatorCommandLine"/>).</summary>
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

    /// <summary>Parses and checks a command line (see <see cref="EmulatorCommandLine"/>); throws <see cref="ArgumentException"/> naming the first problem.</summary>
    public static EmulatorOptions Parse(IReadOnlyList<string> args) => EmulatorCommandLine.Parse(args);

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
