using System.CommandLine;

namespace Hass.Cli.Commands;

/// <summary>
/// One `hass` sub-command. Every non-abstract implementation in this assembly is found by reflection and
/// added to the root command, so a new command is a new file under Commands/.
/// </summary>
public interface ICliCommand
{
    /// <summary>Order in `hass --help`.</summary>
    int Order => 100;

    /// <summary>Builds the command; <paramref name="run"/> wraps an action with context creation and error mapping.</summary>
    Command Build(CommandRunner run);
}

/// <summary>Wraps command actions: creates the <see cref="CliContext"/> and maps exceptions to exit codes.</summary>
public delegate Func<ParseResult, CancellationToken, Task<int>> CommandRunner(Func<CliContext, CancellationToken, Task<int>> action);
