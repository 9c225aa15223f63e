using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Hass.Cli;

/// <summary>
/// Command-line parse errors as one message: the first line names the bad token (or option) and the help command
/// to run, further problems follow on indented lines. Library type names ("System.Int32") are put in plain words.
/// </summary>
public static partial class UsageErrors
{
    public static IReadOnlyList<string> Describe(ParseResult parse)
    {
        var path = CommandPath(parse.CommandResult);
        var command = parse.CommandResult.Command;
        // The library's messages name the token or option; "Required command was not provided" is only kept (and
        // said plainly) when it is the sole problem, e.g. `hass board`.
        var problems = parse.Errors.Where(e => !IsMissingCommand(e, command)).Select(e => Plain(e.Message)).ToList();
        if (problems.Count == 0)
            problems.Add(command.Subcommands.Count > 0 ? $"'{path}' needs a command: {string.Join(", ", VisibleSubcommands(command))}" : "invalid command line");
        var lines = problems.Distinct().ToList();
        lines[0] = $"{lines[0]}; run '{path} --help' for usage";
        for (int i = 1; i < lines.Count; i++) lines[i] = "  " + lines[i];
        return lines;
    }

    private static bool IsMissingCommand(ParseError error, Command command) =>
        error.SymbolResult is CommandResult && command.Subcommands.Count > 0 && command.Action is null && !error.Message.Contains('\'');

    private static IEnumerable<string> VisibleSubcommands(Command command) => command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult c; r = c.Parent)
            names.Add(c.Parent is null ? "hass" : c.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>"as expected type 'System.Int32'" → "as an integer".</summary>
    private static string Plain(string message) => ExpectedType().Replace(message, m => "as " + m.Groups[1].Value switch
    {
        "Int32" or "Int64" or "UInt64" => "an integer",
        "Double" or "Single" or "Decimal" => "a number",
        "Boolean" => "true or false",
        var other => "a " + other.ToLowerInvariant(),
    }).TrimEnd('.');

    [GeneratedRegex(@"as expected type 'System\.(?:Nullable`1\[System\.)?(\w+)\]?'")]
    private static partial Regex ExpectedType();
}
