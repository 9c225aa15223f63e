using Hass.Abstractions;
using Hass.Torch.Training;

namespace Hass.Torch.Commands;

/// <summary>
/// Checks, before any work, that the files a model command is asked to write can go where they are asked to: so a
/// training of many minutes never ends on a path it cannot use, and no file the user did not name is overwritten.
/// </summary>
public static class OutputFiles
{
    /// <summary>The path is not a folder and no file stands where a folder on its way must be.</summary>
    public static void Check(string? path, string option)
    {
        if (path is null) return;
        if (Directory.Exists(path)) throw new ModelException($"{option}: '{path}' is a folder; give a file path");
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } parent && FileInTheWay.Of(parent) is { } file)
            throw new ModelException($"{option}: '{file}' is a file, so '{path}' cannot be written; give a path in a folder");
    }

    /// <summary>
    /// A checkpoint copy: its metadata is written next to it with the extension .json, so the copy must not itself be
    /// a .json, and an existing .json there is replaced only when it is a checkpoint's metadata.
    /// </summary>
    public static void CheckCheckpoint(string? path, string option)
    {
        if (path is null) return;
        Check(path, option);
        if (Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase))
            throw new ModelException($"{option}: '{path}' ends in .json, the name of the metadata written next to the checkpoint; give a .dat file");
        var metadata = Path.ChangeExtension(path, ".json");
        if (Directory.Exists(metadata) || (File.Exists(metadata) && !IsCheckpointMetadata(metadata)))
            throw new ModelException($"{option}: the checkpoint's metadata is written next to it as '{metadata}', which exists and is not a " +
                $"checkpoint's metadata; move it, or give {option} another name");
    }

    private static bool IsCheckpointMetadata(string path)
    {
        try
        {
            return HassJson.ReadFile<CheckpointMetadata>(path) is { Model.Length: > 0, Key.Length: > 0 };
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InputFileException or NotSupportedException)
        {
            return false;
        }
    }
}
