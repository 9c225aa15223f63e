using Hass.Abstractions;

namespace Hass.Cli;

/// <summary>Optional configuration file: ./hass.json or $HASS_CONFIG ({ "store", "plugins": [], "boards": [] }).</summary>
public sealed record HassConfig
{
    public const string EnvironmentVariable = "HASS_CONFIG";
    public const string DefaultPath = "hass.json";

    public string? Store { get; init; }
    public IReadOnlyList<string> Plugins { get; init; } = [];
    public IReadOnlyList<string> Boards { get; init; } = [];
    /// <summary>The cluster distributed campaigns run on ('local' or redis://host:port; --cluster and $HASS_CLUSTER win).</summary>
    public string? Cluster { get; init; }

    /// <summary>A hass.json is at most this big.</summary>
    public const int MaxFileBytes = 64 << 10;

    /// <summary>
    /// The configuration: none when no ./hass.json is there; a file named by $HASS_CONFIG must be there (a typo
    /// would otherwise run with another store). Anything at the path that is not a valid configuration file —
    /// a folder, an empty file, a link to nothing — is refused.
    /// </summary>
    public static HassConfig Load() => Load(PathOptions.FromEnvironment(EnvironmentVariable));

    /// <summary>Reads the file <paramref name="named"/> ($HASS_CONFIG), or ./hass.json when null.</summary>
    public static HassConfig Load(string? named)
    {
        var path = named ?? DefaultPath;
        var shown = named is null ? path : $"{path} (${EnvironmentVariable})";
        if (PathTarget.Of(path).Kind == PathKind.Missing)
            return named is null ? new HassConfig() : throw new UsageException($"configuration file {shown} does not exist; fix ${EnvironmentVariable} or unset it");
        try
        {
            var config = Engine.Files.StrictJson.ReadRecord<HassConfig>(path, MaxFileBytes);
            var problems = PathProblems(config).ToList();
            if (problems.Count > 0) throw new InvalidDataException(string.Join("; ", problems));
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
            throw new UsageException($"configuration file {shown} is not valid: {e.Message}");
        }
    }

    /// <summary>Every path field that names nothing: an empty store, a null list, a null or empty entry.</summary>
    private static IEnumerable<string> PathProblems(HassConfig config)
    {
        if (config.Store is "") yield return "store: is empty; give the store file's path or leave the field out";
        foreach (var (field, folders) in new[] { ("plugins", config.Plugins), ("boards", config.Boards) })
        {
            // The deserializer puts a JSON null into a list field as given, whatever the field's annotation says.
            if (folders is null) { yield return $"{field}: must be a list of folder paths (got null)"; continue; }
            for (var i = 0; i < folders.Count; i++)
                if (string.IsNullOrEmpty(folders[i])) yield return $"{field}[{i}]: must be a folder path (got {(folders[i] is null ? "null" : "an empty string")})";
        }
    }
}
