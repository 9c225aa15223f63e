using System.Reflection;
using Hass.Abstractions;
using McMaster.NETCore.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Engine.Plugins;

/// <summary>One plugin that loaded: its manifest, folder and the components it registered.</summary>
public sealed record LoadedPlugin(PluginManifest Manifest, string Folder, IReadOnlyList<ComponentDescriptor> Components);

/// <summary>One plugin that did not load: the folder and a message naming the cause.</summary>
public sealed record PluginError(string Folder, string Message);

/// <summary>
/// Finds plugin folders, loads each in its own load context (McMaster) with the host's shared assemblies,
/// lets its entry type register components on a private service collection, validates the components and
/// merges them into the host. A plugin that fails gives one <see cref="PluginError"/>; the others still load.
/// Host assemblies (Hass.Torch, Hass.Board…) may carry IHassPlugin types too; they are registered as
/// built-in plugins named after the assembly (<see cref="AddHostAssembly"/>).
/// </summary>
public sealed class PluginCatalog
{
    /// <summary>Assemblies the host shares with every plugin, by name, when the host has them.</summary>
    public static readonly IReadOnlyList<string> SharedAssemblyNames =
    [
        "Hass.Abstractions", "Hass.Torch", "TorchSharp",
        "Microsoft.Extensions.DependencyInjection.Abstractions", "Microsoft.Extensions.Logging.Abstractions",
        "Microsoft.Extensions.Options", "Microsoft.Extensions.Primitives", "Microsoft.Extensions.Configuration.Abstractions",
        "Microsoft.Extensions.Hosting.Abstractions", "Microsoft.Extensions.FileProviders.Abstractions",
        "Microsoft.Extensions.Diagnostics.Abstractions",
    ];

    /// <summary>The shared assemblies the host can actually provide (TorchSharp, Hass.Torch only when present).</summary>
    private static readonly Lazy<IReadOnlyList<AssemblyName>> AvailableSharedAssemblies = new(() =>
    {
        var available = new List<AssemblyName>();
        foreach (var name in SharedAssemblyNames)
        {
            try
            {
                available.Add(System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(name)).GetName());
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException) { }
        }
        return available;
    });

    private readonly List<LoadedPlugin> _plugins = [];
    private readonly List<PluginError> _errors = [];
    private readonly List<(ServiceDescriptor Service, string Folder)> _services = [];
    private readonly Dictionary<(ComponentKind, string), string> _owners = [];
    private readonly HashSet<string> _scannedFolders = new(StringComparer.Ordinal);

    public IReadOnlyList<LoadedPlugin> Plugins => _plugins;
    public IReadOnlyList<PluginError> Errors => _errors;
    public IEnumerable<ComponentDescriptor> Components => _plugins.SelectMany(p => p.Components);

    /// <summary>
    /// Scans <paramref name="root"/>: if it holds a plugin.json it is one plugin, otherwise each sub-folder is
    /// one plugin. A missing root is an error only when <paramref name="required"/> (the user named it).
    /// </summary>
    public void Scan(string root, bool required = true)
    {
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root))
        {
            if (required) _errors.Add(new PluginError(root, $"plugin folder '{root}' {Files.MissingFolder.Why(root)}; check --plugins / HASS_PLUGINS"));
            return;
        }
        if (File.Exists(Path.Combine(root, PluginManifest.FileName)))
        {
            LoadFolder(root);
            return;
        }
        foreach (var folder in Directory.GetDirectories(root).OrderBy(d => d, StringComparer.Ordinal))
            LoadFolder(folder);
    }

    /// <summary>Loads one plugin folder (a plugin.json and its assemblies).</summary>
    public void LoadFolder(string folder)
    {
        folder = Path.GetFullPath(folder);
        if (!_scannedFolders.Add(folder)) return;
        try
        {
            var manifest = PluginManifest.Read(folder);
            CheckSdk(folder, manifest);
            var assembly = LoadEntryAssembly(folder, manifest);
            Register(folder, manifest, FindEntryTypes(folder, manifest, assembly));
        }
        catch (PluginLoadException e)
        {
            _errors.Add(new PluginError(e.Folder, e.Message));
        }
    }

    /// <summary>Registers the IHassPlugin types of an assembly the host references itself (no separate load context).</summary>
    public void AddHostAssembly(Assembly assembly)
    {
        var name = assembly.GetName();
        var folder = "host:" + name.Name;
        if (!_scannedFolders.Add(folder)) return;
        List<Type> entryTypes;
        try
        {
            entryTypes = assembly.GetExportedTypes().Where(IsPluginType).ToList();
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException or TypeLoadException)
        {
            var cause = e is ReflectionTypeLoadException r ? r.LoaderExceptions.FirstOrDefault(x => x is not null)?.Message ?? e.Message : e.Message;
            _errors.Add(new PluginError(folder, $"plugin in '{folder}': types of {name.Name} could not be loaded: {cause}"));
            return;
        }
        if (entryTypes.Count == 0) return;
        var manifest = new PluginManifest
        {
            Name = name.Name!, Version = name.Version?.ToString(3) ?? "0.0.0", SdkVersion = HassSdk.Version.ToString(3),
            EntryAssembly = name.Name + ".dll", Description = "built into the host",
        };
        try { Register(folder, manifest, entryTypes); }
        catch (PluginLoadException e) { _errors.Add(new PluginError(e.Folder, e.Message)); }
    }

    /// <summary>Adds every registered component (and its other services) to <paramref name="services"/>.</summary>
    public void AddTo(IServiceCollection services)
    {
        foreach (var (service, _) in _services) services.Add(service);
    }

    private static void CheckSdk(string folder, PluginManifest manifest)
    {
        var wanted = System.Version.Parse(manifest.SdkVersion);
        if (wanted.Major != HassSdk.Version.Major)
            throw new PluginLoadException(folder,
                $"built against SDK {manifest.SdkVersion} but this host provides SDK {HassSdk.Version.ToString(3)} (major versions differ); rebuild the plugin against Hass.Abstractions {HassSdk.Version.Major}.x");
        if (wanted > HassSdk.Version)
            throw new PluginLoadException(folder,
                $"needs SDK {manifest.SdkVersion} but this host provides SDK {HassSdk.Version.ToString(3)}; update hass");
    }

    private static Assembly LoadEntryAssembly(string folder, PluginManifest manifest)
    {
        var path = Path.Combine(folder, manifest.EntryAssembly);
        if (!File.Exists(path))
            throw new PluginLoadException(folder, $"entry assembly '{manifest.EntryAssembly}' named in plugin.json is not in the folder");
        try
        {
            var loader = PluginLoader.CreateFromAssemblyFile(path, [typeof(IHassPlugin), typeof(IServiceCollection)], config =>
            {
                config.PreferSharedTypes = true;
                foreach (var shared in AvailableSharedAssemblies.Value) config.SharedAssemblies.Add(shared);
            });
            return loader.LoadDefaultAssembly();
        }
        catch (BadImageFormatException e)
        {
            throw new PluginLoadException(folder, $"entry assembly '{manifest.EntryAssembly}' is not a valid .NET assembly ({e.Message}); rebuild or reinstall the plugin", e);
        }
        catch (Exception e) when (e is FileLoadException or FileNotFoundException or IOException)
        {
            throw new PluginLoadException(folder, $"entry assembly '{manifest.EntryAssembly}' could not be loaded: {e.Message}", e);
        }
    }

    private static bool IsPluginType(Type t) => typeof(IHassPlugin).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false };

    private static List<Type> FindEntryTypes(string folder, PluginManifest manifest, Assembly assembly)
    {
        Type[] types;
        try { types = assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e)
        {
            var first = e.LoaderExceptions.FirstOrDefault(x => x is not null)?.Message ?? e.Message;
            throw new PluginLoadException(folder, $"types of '{manifest.EntryAssembly}' could not be loaded: {first}", e);
        }
        var entries = types.Where(IsPluginType).ToList();
        if (entries.Count == 0)
            throw new PluginLoadException(folder,
                $"'{manifest.EntryAssembly}' has no public class implementing IHassPlugin (is it built against Hass.Abstractions {HassSdk.Version.Major}.x?)");
        return entries;
    }

    private void Register(string folder, PluginManifest manifest, IEnumerable<Type> entryTypes)
    {
        var collection = new ServiceCollection();
        foreach (var type in entryTypes)
        {
            IHassPlugin plugin;
            try
            {
                plugin = (IHassPlugin)(Activator.CreateInstance(type)
                    ?? throw new InvalidOperationException("Activator returned null"));
            }
            catch (Exception e)
            {
                var cause = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
                throw new PluginLoadException(folder, $"entry type {type.FullName} could not be created: {cause.Message}", cause);
            }
            try { plugin.ConfigureServices(collection); }
            catch (Exception e)
            {
                throw new PluginLoadException(folder, $"{type.FullName}.ConfigureServices threw {e.GetType().Name}: {e.Message}", e);
            }
        }

        var descriptors = new List<ComponentDescriptor>();
        foreach (var service in collection)
        {
            if (service.ServiceType != typeof(ComponentDescriptor)) continue;
            var descriptor = service.ImplementationInstance as ComponentDescriptor
                ?? throw new PluginLoadException(folder, "registers a ComponentDescriptor that is not an instance; use services.AddHassComponent");
            descriptors.Add(descriptor with { Plugin = manifest.Name, PluginVersion = manifest.Version });
        }
        if (descriptors.Count == 0)
            throw new PluginLoadException(folder, "registers no component; call services.AddHassComponent in ConfigureServices");

        foreach (var group in descriptors.GroupBy(d => (d.Kind, d.Name)).Where(g => g.Count() > 1))
            throw new PluginLoadException(folder, $"registers {group.Key.Kind} component '{group.Key.Name}' {group.Count()} times");
        foreach (var d in descriptors)
        {
            if (_owners.TryGetValue((d.Kind, d.Name), out var other))
                throw new PluginLoadException(folder,
                    $"{d.Kind.ToString().ToLowerInvariant()} component '{d.Name}' is already registered by the plugin in '{other}'; remove one of the two plugins or rename the component (this plugin was not loaded)");
        }

        foreach (var d in descriptors) _owners[(d.Kind, d.Name)] = folder;
        foreach (var service in collection)
        {
            if (service.ServiceType == typeof(ComponentDescriptor)) continue;
            _services.Add((service, folder));
        }
        foreach (var d in descriptors) _services.Add((ServiceDescriptor.Singleton(d), folder));
        _plugins.Add(new LoadedPlugin(manifest, folder, descriptors));
    }
}
