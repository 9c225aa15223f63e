using Hass.Abstractions;

namespace Hass.Backends.TestSupport;

/// <summary>Reads the repository's boards/*.json.</summary>
public static class Boards
{
    public static string Directory { get; } = Find();

    public static BoardSpec Load(string name) => HassJson.ReadFile<BoardSpec>(Path.Combine(Directory, name + ".json"));

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "HASS.Engine.sln"))) return Path.Combine(dir.FullName, "boards");
        throw new DirectoryNotFoundException("cannot find the repository root (HASS.Engine.sln) above " + AppContext.BaseDirectory);
    }
}
