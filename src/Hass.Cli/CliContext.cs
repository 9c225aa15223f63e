using System.CommandLine;
using System.Reflection;
using System.Text.Json;
using Hass.Abstractions;
using Hass.Engine.Boards;
using Hass.Engine.Plugins;
using Hass.Engine.Storage;
using Spectre.Console;

namespace Hass.Cli;

/// <summary>Options every command understands (declared recursive on the root command).</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Store = new("--store") { Description = $"Store file (default: $HASS_STORE, hass.json \"store\", or ./{HassStore.DefaultPath})", Recursive = true };
    public static readonly Option<string[]> Plugins = new("--plugins") { Description = "Extra plugin folder (repeatable); also $HASS_PLUGINS", Recursive = true, AllowMultipleArgumentsPerToken = false };
    public static readonly Option<string[]> Boards = new("--boards") { Description = "Extra board folder of *.json (repeatable); also $HASS_BOARDS", Recursive = true };
    public static readonly Option<bool> NoBuiltInPlugins = new("--no-builtin-plugins") { Description = "Do not load the plugins shipped next to hass", Recursive = true, Hidden = true };
    public static readonly Option<bool> NoBuiltInBoards = new("--no-builtin-boards") { Description = "Do not load the boards shipped next to hass", Recursive = true, Hidden = true };

    public static IEnumerable<Option> All => [Store, Plugins, Boards, NoBuiltInPlugins, NoBuiltInBoards];
}

/// <summary>Optional configuration file: ./hass.json or $HASS_CONFIG ({ "store", "plugins": [], "boards": [] }).</summary>
public sealed record HassConfig
{
    public string? Store { get; init; }
    public IReadOnlyList<string> Plugins { get; init; } = [];
    public IReadOnlyList<string> Boards { get; init; } = [];

    /// <summary>A hass.json is at most this big.</summary>
    public const int MaxFileBytes = 64 << 10;

    public static HassConfig Load()
    {
        var path = Environment.GetEnvironmentVariable("HASS_CONFIG") ?? "hass.json";
        if (!File.Exists(path)) return new HassConfig();
        try
        {
            var config = Engine.Files.StrictJson.ReadRecord<HassConfig>(path, MaxFileBytes);
            var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
            return config with
            {
                Plugins = config.Plugins.Select(p => Path.GetFullPath(p, dir)).ToList(),
                Boards = config.Boards.Select(p => Path.GetFullPath(p, dir)).ToList(),
                Store = config.Store is null ? null : Path.GetFullPath(config.Store, dir),
            };
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"configuration file {path} is not valid: {e.Message}");
        }
    }
}

/// <summary>What a command runs with: consoles, parsed global options, and loaders for plugins, boards and the store.</summary>
public sealed class CliContext(ParseResult parse, IAnsiConsole output, TextWriter error, bool interactive)
{
    public ParseResult Parse { get; } = parse;
    public IAnsiConsole Out { get; } = output;
    public TextWriter Error { get; } = error;
    public bool Interactive { get; } = interactive;
    private HassConfig? _config;
    public HassConfig Config => _config ??= HassConfig.Load();

    public string StorePath => Parse.GetValue(GlobalOptions.Store)
        ?? Environment.GetEnvironmentVariable(HassStore.EnvironmentVariable) ?? Config.Store ?? HassStore.DefaultPath;

    public void Warn(string message) => Error.WriteLine("warning: " + message);

    /// <summary>Loads plugins from every source; load errors are printed as warnings (the others still load).</summary>
    public PluginCatalog LoadPlugins(bool printErrors = true)
    {
        var sources = new PluginSources
        {
            NoBuiltIn = Parse.GetValue(GlobalOptions.NoBuiltInPlugins),
            ConfigFolders = Config.Plugins,
            CommandLineFolders = Parse.GetValue(GlobalOptions.Plugins) ?? [],
            HostAssemblies = HostAssemblies(),
        };
        var catalog = sources.Load();
        if (printErrors)
            foreach (var e in catalog.Errors) Warn(e.Message);
        return catalog;
    }

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

    public BoardLibrary LoadBoards(bool printErrors = true)
    {
        var lib = BoardLibrary.Load([.. Config.Boards, .. Parse.GetValue(GlobalOptions.Boards) ?? []], includeDefault: !Parse.GetValue(GlobalOptions.NoBuiltInBoards));
        if (printErrors)
            foreach (var e in lib.Errors) Warn(e);
        return lib;
    }

    public HassStore OpenStore(StoreAccess access) => HassStore.Open(StorePath, access);
}
