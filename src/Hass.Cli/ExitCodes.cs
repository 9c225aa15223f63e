namespace Hass.Cli;

/// <summary>Process exit codes of `hass` (docs/cli.md).</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The work failed (e.g. too many consecutive trial failures) or an unexpected error.</summary>
    public const int Failure = 1;
    /// <summary>Bad input: command-line usage, campaign file, unknown names, graph/profile/board files.</summary>
    public const int InvalidInput = 2;
    /// <summary>The store is owned by another running process.</summary>
    public const int StoreInUse = 3;
    /// <summary>The store cannot be used: newer schema, damaged, or missing.</summary>
    public const int StoreUnusable = 4;
    /// <summary>One or more plugins failed to load (`hass plugins`).</summary>
    public const int PluginErrors = 5;
    /// <summary>A board (or emulator) could not be reached, refused the design, or stopped answering.</summary>
    public const int BoardError = 6;
    /// <summary>The cluster of a distributed campaign could not be started or reached (Redis, ports), or the owner refused the worker.</summary>
    public const int ClusterError = 7;
    /// <summary>Interrupted (Ctrl-C / SIGTERM); completed trials are in the store, `hass run` resumes; a board command stored nothing.</summary>
    public const int Interrupted = 130;
}

/// <summary>A usage problem found by a command (exit code 2), with a message saying what to do.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>A command stopped by Ctrl-C or SIGTERM (exit code 130), with a message saying what it left behind.</summary>
public sealed class CommandInterruptedException(string message) : Exception(message);
