using System.CommandLine;
using System.Reflection;
using Hass.Cli.Commands;
using Hass.Engine.Campaigns;
using Hass.Engine.Plugins;
using Hass.Engine.Storage;
using Spectre.Console;

namespace Hass.Cli;

/// <summary>The `hass` command line: commands discovered from this assembly, errors mapped to exit codes.</summary>
public static class CliApp
{
    public static RootCommand BuildRoot(Func<ParseResult, CliContext> contextFactory)
    {
        var root = new RootCommand("hass — hardware-aware sparsity search (HASS) for dataflow FPGA accelerators");
        foreach (var o in GlobalOptions.All) root.Options.Add(o);
        var commands = typeof(CliApp).Assembly.GetTypes()
            .Where(t => typeof(ICliCommand).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (ICliCommand)Activator.CreateInstance(t)!)
            .OrderBy(c => c.Order).ThenBy(c => c.GetType().Name, StringComparer.Ordinal);
        CommandRunner runner = action => async (parse, ct) =>
        {
            using var context = contextFactory(parse);
            try
            {
                context.LoadConfig();
                return await action(context, ct);
            }
            catch (Exception e)
            {
                var (code, message) = Map(e);
                context.Error.WriteLine("error: " + message);
                if (Environment.GetEnvironmentVariable("HASS_DEBUG") == "1") context.Error.WriteLine(e);
                return code;
            }
        };
        foreach (var c in commands) root.Subcommands.Add(c.Build(runner));
        return root;
    }

    /// <summary>Exception → (exit code, one clear message).</summary>
    public static (int Code, string Message) Map(Exception e) => e switch
    {
        CampaignException c => (ExitCodes.InvalidInput, c.Message),
        Microsoft.Extensions.Options.OptionsValidationException o => (ExitCodes.InvalidInput, string.Join(Environment.NewLine, o.Failures)),
        UsageException u => (ExitCodes.InvalidInput, u.Message),
        Abstractions.InputFileException f => (ExitCodes.InvalidInput, f.Message),
        StoreInUseException s => (ExitCodes.StoreInUse, s.Message),
        StoreException s => (ExitCodes.StoreUnusable, s.Message),
        PluginLoadException p => (ExitCodes.PluginErrors, p.Message),
        // A component that threw one of the errors above (a dataset not found while an evaluator loads) keeps that error's exit code and message: it is the user's to fix.
        PluginFaultException { InnerException: { } inner } when Map(inner).Code != ExitCodes.Failure => Map(inner),
        PluginFaultException p => (ExitCodes.Failure, p.Message),
        Abstractions.DesignDoesNotFitException d => (ExitCodes.InvalidInput, d.Message),
        Board.Links.BoardAddressException a => (ExitCodes.InvalidInput, a.Message),
        Board.Protocol.ProtocolException p => (ExitCodes.BoardError, $"the board's reply breaks the protocol: {p.Message}"),
        Abstractions.BoardLinkException b => (ExitCodes.BoardError, b.Message),
        Board.BoardException b => (ExitCodes.BoardError, b.Message),
        Torch.Data.DatasetException d => (ExitCodes.InvalidInput, d.Message),
        Torch.Training.ModelException m => (ExitCodes.InvalidInput, m.Message),
        Distributed.ClusterConfigurationException c => (ExitCodes.InvalidInput, c.Message),
        Distributed.ClusterException c => (ExitCodes.ClusterError, c.Message),
        CommandInterruptedException i => (ExitCodes.Interrupted, i.Message),
        OperationCanceledException => (ExitCodes.Interrupted, "interrupted; what was finished is kept: run the same command again to go on"),
        _ => (ExitCodes.Failure, $"{e.GetType().Name}: {FirstLine(e.Message)} (set HASS_DEBUG=1 for the stack trace)"),
    };

    /// <summary>LibTorch's messages carry its native stack after the first line; HASS_DEBUG=1 prints them whole.</summary>
    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd('\r');

    /// <summary>Runs `hass` with the given arguments and writers (tests call this in-process).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, bool? interactive = null)
    {
        var outWriter = stdout ?? Console.Out;
        var errWriter = stderr ?? Console.Error;
        var isTerminal = interactive ?? (stdout is null && !Console.IsOutputRedirected);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(outWriter),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!isTerminal) console.Profile.Width = 200;

        if (args is ["--version"])
        {
            // The library's version option prints the entry assembly's version, which is not hass when hosted (tests).
            outWriter.WriteLine(Version);
            return ExitCodes.Success;
        }
        if (Torch.TorchRuntime.EnvironmentProblem() is { } threads)
        {
            errWriter.WriteLine("error: " + threads);
            return ExitCodes.InvalidInput;
        }
        var root = BuildRoot(parse => new CliContext(parse, console, errWriter, isTerminal));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var lines = UsageErrors.Describe(parse);
            errWriter.WriteLine("error: " + lines[0]);
            foreach (var line in lines.Skip(1)) errWriter.WriteLine(line);
            return ExitCodes.InvalidInput;
        }
        return await parse.InvokeAsync(new InvocationConfiguration
        {
            Output = outWriter, Error = errWriter, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false,
        });
    }

    public static string Version => typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
