using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Hass.BoardEmulator;

/// <summary>
/// The command line of hass-board-emulator (System.CommandLine). Wrong values are refused at parse time with one
/// message naming the option; <see cref="Parse"/> turns the first problem into an <see cref="ArgumentException"/>.
/// </summary>
public static class EmulatorCommandLine
{
    public const string Description = "hass-board-emulator: a virtual FPGA board speaking the HASS board protocol v1 (boards/PROTOCOL.md).";

    private static readonly Option<string?> Tcp = new("--tcp")
    {
        HelpName = "HOST:PORT",
        Description = "listen on TCP (default 127.0.0.1:0 = loopback, any free port; the chosen address is printed on stdout as \"listening tcp:HOST:PORT\")",
    };
    private static readonly Option<string?> Serial = new("--serial")
    {
        HelpName = "DEVICE", Description = "serve on a serial device, e.g. one end of a socat pty pair", Validators = { NotEmpty("--serial", "a serial device") },
    };
    private static readonly Option<int> Baud = IntOption("--baud", "N", "baud rate for --serial", min: 1, defaultValue: 921600);
    private static readonly Option<string?> Board = new("--board")
    {
        HelpName = "FILE", Description = "board JSON (boards/*.json); default: built-in u250 figures", Validators = { NotEmpty("--board", "a board JSON file") },
    };
    private static readonly Option<string?> BoardId = new("--board-id") { HelpName = "ID", Description = "serial number reported in INFO" };
    private static readonly Option<long?> MemoryBudget = new("--memory-budget")
    {
        HelpName = "SIZE",
        Description = "memory for one design and its runs, e.g. 512MiB, 4GiB (default 2GiB, range 16MiB..1TiB); larger designs, transfers and runs are refused",
        CustomParser = r => Value<long?>(r, text => ByteSize.Parse("--memory-budget", text, 16L << 20, 1L << 40)),
    };
    private static readonly Option<double> CorruptRate = RateOption("--corrupt-rate", "fault injection: flip one bit of each byte with probability P, both directions");
    private static readonly Option<double> DropRate = RateOption("--drop-rate", "fault injection: drop each byte with probability P, both directions");
    private static readonly Option<int> DelayMs = IntOption("--delay-ms", "N", "fault injection: wait N ms before each reply", min: 0);
    private static readonly Option<int> DisconnectAfterFrames = IntOption("--disconnect-after-frames", "N",
        "fault injection: drop the connection after every N received frames (serial: go silent for 1 s and discard input)", min: 1);
    private static readonly Option<bool> RebootDuringDeploy = new("--reboot-during-deploy") { Description = "fault injection: reboot (forget all state) when the first design transfer is half done" };
    private static readonly Option<int> RebootAtRun = IntOption("--reboot-at-run", "N", "fault injection: reboot instead of answering the N-th RUN request", min: 1);
    private static readonly Option<ulong> Seed = new("--seed")
    {
        HelpName = "N",
        Description = "seed of the fault generator",
        DefaultValueFactory = _ => 1,
        CustomParser = r => Value(r, text => ulong.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed : throw new ArgumentException($"option --seed: '{text}' is not a non-negative integer")),
    };
    private static readonly Option<bool> IgnoreSequenceNumbers = new("--ignore-sequence-numbers") { Description = "conformance fault: no reply cache: a re-sent RUN or COMMIT is executed again" };
    private static readonly Option<bool> AcceptForeignDesigns = new("--accept-foreign-designs") { Description = "conformance fault: accept designs made for another board" };
    private static readonly Option<bool> ExitOnStdinClose = new("--exit-on-stdin-close") { Description = "exit when standard input reaches end of file" };

    private static readonly Option[] All =
    [
        Tcp, Serial, Baud, Board, BoardId, MemoryBudget, CorruptRate, DropRate, DelayMs, DisconnectAfterFrames,
        RebootDuringDeploy, RebootAtRun, Seed, IgnoreSequenceNumbers, AcceptForeignDesigns, ExitOnStdinClose,
    ];

    /// <summary>The root command; its action gets the checked options (bad input never reaches it).</summary>
    public static RootCommand Build(Func<EmulatorOptions, CancellationToken, Task<int>> serve)
    {
        var root = new RootCommand(Description);
        foreach (var option in All) root.Options.Add(option);
        root.SetAction((parse, cancellationToken) => serve(ToOptions(parse), cancellationToken));
        return root;
    }

    /// <summary>Parses and checks <paramref name="args"/>; throws <see cref="ArgumentException"/> naming the first problem.</summary>
    public static EmulatorOptions Parse(IReadOnlyList<string> args)
    {
        var parse = Build((_, _) => Task.FromResult(0)).Parse(args);
        if (FirstProblem(parse) is { } problem) throw new ArgumentException(problem);
        return ToOptions(parse);
    }

    /// <summary>The first problem of a parse as one plain sentence (null when there is none).</summary>
    public static string? FirstProblem(ParseResult parse)
    {
        if (parse.Errors.Count == 0) return null;
        if (parse.UnmatchedTokens.Count > 0) return $"unknown option '{parse.UnmatchedTokens[0]}'; see --help";
        var error = parse.Errors[0];
        return error.SymbolResult is OptionResult { Tokens.Count: 0 } missing
            ? $"option {missing.Option.Name} needs a value; see --help"
            : error.Message;
    }

    /// <summary>The options of a parse without errors, checked as a whole (throws <see cref="ArgumentException"/>).</summary>
    private static EmulatorOptions ToOptions(ParseResult parse)
    {
        var options = new EmulatorOptions
        {
            Tcp = parse.GetValue(Tcp), Serial = parse.GetValue(Serial), Baud = parse.GetValue(Baud),
            BoardFile = parse.GetValue(Board), BoardId = parse.GetValue(BoardId),
            CorruptRate = parse.GetValue(CorruptRate), DropRate = parse.GetValue(DropRate), DelayMs = parse.GetValue(DelayMs),
            DisconnectAfterFrames = parse.GetValue(DisconnectAfterFrames), RebootDuringDeploy = parse.GetValue(RebootDuringDeploy),
            RebootAtRun = parse.GetValue(RebootAtRun), Seed = parse.GetValue(Seed), MemoryBudgetBytes = parse.GetValue(MemoryBudget) ?? EmulatorOptions.DefaultMemoryBudgetBytes,
            IgnoreSequenceNumbers = parse.GetValue(IgnoreSequenceNumbers), AcceptForeignDesigns = parse.GetValue(AcceptForeignDesigns),
            ExitOnStdinClose = parse.GetValue(ExitOnStdinClose),
        };
        if (options.Tcp is not null && options.Serial is not null) throw new ArgumentException("give either --tcp or --serial, not both");
        if (options.Tcp is null && options.Serial is null) options = options with { Tcp = "127.0.0.1:0" };
        // Checked now so that a bad address or board file is bad input (exit 2), not a failure to start.
        if (options.Tcp is not null) EmulatorOptions.ParseEndpoint(options.Tcp);
        options.LoadBoard();
        return options;
    }

    /// <summary>A whole number ≥ <paramref name="min"/>; without a <paramref name="defaultValue"/> it is 0 (off) when not given.</summary>
    private static Option<int> IntOption(string name, string helpName, string description, int min, int? defaultValue = null) => new(name)
    {
        HelpName = helpName,
        Description = description,
        DefaultValueFactory = defaultValue is { } value ? _ => value : null,
        CustomParser = r => Value(r, text => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n : throw new ArgumentException($"option {name}: '{text}' is not an integer ≥ {min}")),
    };

    private static Option<double> RateOption(string name, string description) => new(name)
    {
        HelpName = "P",
        Description = description,
        CustomParser = r => Value(r, text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 1
            ? p : throw new ArgumentException($"option {name}: '{text}' is not a probability in [0, 1]")),
    };

    /// <summary>Refuses an empty path, which .NET would refuse later without naming the option.</summary>
    private static Action<OptionResult> NotEmpty(string name, string what) => result =>
    {
        if (result.Tokens.Any(t => t.Value.Length == 0)) result.AddError($"option {name}: the path is empty; give {what}");
    };

    /// <summary>Runs <paramref name="convert"/> on the option's value, turning its <see cref="ArgumentException"/> into a parse error.</summary>
    private static T Value<T>(ArgumentResult result, Func<string, T> convert)
    {
        if (result.Tokens.Count == 0) return default!;
        try { return convert(result.Tokens[^1].Value); }
        catch (ArgumentException e) { result.AddError(e.Message); return default!; }
    }
}
