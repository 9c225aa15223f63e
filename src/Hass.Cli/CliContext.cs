using System.CommandLine;
using System.Reflection;
using System.Text.Json;
using Hass.Abstractions;
using Hass.Engine.Boards;
using Hass.Engine.Plugins;
using Hass.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Hass.Cli;

/// <summary>Options every command understands (declared recursive on the root command).</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Store = new Option<string?>("--store") { Description = $"Store file (default: $HASS_STORE, hass.json \"store\", or ./{HassStore.DefaultPath})", Recursive = true }.ForPaths();
    public static readonly Option<string[]> Plugins = new Option<string[]>("--plugins") { Description = "Extra plugin folder (repeatable); also $HASS_PLUGINS", Recursive = true, AllowMultipleArgumentsPerToken = false }.ForPaths();
    public static readonly Option<string[]> Boards = new Option<string[]>("--boards") { Description = "Extra board folder of *.json (repeatable); also $HASS_BOARDS", Recursive = true }.ForPaths();
    public static readonly Option<bool> NoBuiltInPlugins = new("--no-builtin-plugins") { Description = "Do not load the plugins shipped next to hass", Recursive = true, Hidden = true };
    public static readonly Option<bool> NoBuiltInBoards = new("--no-builtin-boards") { Description = "Do not load the boards shipped next to hass", Recursive = true, Hidden = true };

    public static IEnumerable<Option> All => [Store, Plugins, Boards, NoBuiltInPlugins, NoBuiltInBoards];
}

/// <summary>
/// What a command runs with: consoles, parsed global options, the logger, and — built on first use — the
/// invocation's host (<see cref="HassHost"/>) whose services hold the plugins, the engine and the board library.
/// </summary>
public sealed class CliContext(ParseResult parse, IAnsiConsole output, TextWriter error, bool interactive) : IDisposable
{
    public ParseResult Parse { get; } = parse;
    public IAnsiConsole Out { get; } = output;
    public TextWriter Error { get; } = error;
    public bool Interactive { get; } = interactive;
    private HassConfig? _config;
    private IHost? _host;
    private CliLoggerProvider? _loggerProvider;
    public HassConfig Config => _config ??= HassConfig.Load();

    /// <summary>Reads the configuration file now, so that a broken one is refused whichever of its fields the command uses.</summary>
    public void LoadConfig() => _ = Config;

    internal CliLoggerProvider LoggerProvider => _loggerProvider ??= new CliLoggerProvider(line => Out.WriteLine(line), Error);

    /// <summary>The logger of `hass` itself (also usable before the host is built).</summary>
    public ILogger Logger => _logger ??= LoggerProvider.CreateLogger("hass");
    private ILogger? _logger;

    public string StorePath => Parse.GetValue(GlobalOptions.Store)
        ?? PathOptions.FromEnvironment(HassStore.EnvironmentVariable) ?? Config.Store ?? HassStore.DefaultPath;

    public void Warn(string message) => Logger.LogWarning("{Message}", message);

    /// <summary>The host's services, built on first use with every plugin loaded (load errors are logged as warnings).</summary>
    public IServiceProvider Services => (_host ??= BuildHost(null, reportPluginErrors: true)).Services;

    /// <summary>
    /// Builds this invocation's host, adding <paramref name="configure"/>'s services (e.g. the campaign); call it
    /// before <see cref="Services"/> is first used. <paramref name="reportPluginErrors"/> false leaves the plugin
    /// load errors to the command (`hass plugins`).
    /// </summary>
    public IHost BuildHost(Action<IServiceCollection>? configure, bool reportPluginErrors = true)
    {
        if (_host is not null) throw new InvalidOperationException("the host of this invocation is already built");
        var catalog = LoadPlugins();
        _host = HassHost.Build(this, catalog, configure);
        if (reportPluginErrors)
            foreach (var e in catalog.Errors) Warn(e.Message);
        return _host;
    }

    private PluginCatalog LoadPlugins() => new PluginSources
    {
        NoBuiltIn = Parse.GetValue(GlobalOptions.NoBuiltInPlugins),
        ConfigFolders = Config.Plugins,
        CommandLineFolders = Parse.GetValue(GlobalOptions.Plugins) ?? [],
        HostAssemblies = HostAssemblies(),
    }.Load();

    /// <summary>Host assemblies that may contain IHassPlugin types (the TorchSharp evaluator, board links).</summary>
    private static IReadOnlyList<Assembly> HostAssemblies()
    {
        var list = new List<Assembly>();
        foreach (var name in new[] { "Hass.Torch", "Hass.Board" })
        {
            try { list.Add(Assembly.Load(new AssemblyName(name))); }
            catch (FileNotFoundException) { }
        }
        return list;
    }

    /// <summary>The board library (next to hass, hass.json, $HASS_BOARDS, --boards); errors are logged as warnings when <paramref name="printErrors"/>.</summary>
    public BoardLibrary LoadBoards(bool printErrors = true)
    {
        var lib = BoardLibrary.Load([.. Config.Boards, .. Parse.GetValue(GlobalOptions.Boards) ?? []], includeDefault: !Parse.GetValue(GlobalOptions.NoBuiltInBoards));
        if (printErrors)
            foreach (var e in lib.Errors) Warn(e);
        return lib;
    }

    public HassStore OpenStore(StoreAccess access) => HassStore.Open(StorePath, access);

    public void Dispose() => _host?.Dispose();
}
