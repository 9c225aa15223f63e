using Hass.Abstractions;
using Hass.Torch.Training;

namespace Hass.Torch.Commands;

/// <summary>
/// Checks, before any work, that the files a model command is asked to write can go where they are asked to: so a
/// training of many minutes never ends on a path it cannot use, and no file the user did not name is overwritten.
/// </summary>
public static class OutputFiles
{
    /// <summary>
    /// The path is not empty and not a folder, no file stands where a folder on its way must be, and the folder it goes
    /// into (or the nearest one that exists, when it is to be made) takes new files.
    /// </summary>
    public static void Check(string? path, string option)
    {
        if (path is null) return;
        if (path.Trim().Length == 0) throw new ModelException($"{option}: the path is empty; give a file path");
        if (Directory.Exists(path)) throw new ModelException($"{option}: '{path}' is a folder; give a file path");
        var parent = Path.GetDirectoryName(Path.GetFullPath(path));
        if (parent is null) return;
        if (FileInTheWay.Of(parent) is { } file)
            throw new ModelException($"{option}: '{file}' is a file, so '{path}' cannot be written; give a path in a folder");
        if (WritableFolder.Problem(parent) is { } problem)
            throw new ModelException($"{option}: '{path}' cannot be written ({problem}); give a path in a writable folder");
    }

    /// <summary>Refuses an output path that is (or links to) a file the command reads, such as the store.</summary>
    public static void CheckNotInput(string path, string option, string input, string what)
    {
        if (SameFile(path, input)) throw new ModelException($"{option}: '{path}' is the {what} this command reads ({input}); give another path");
    }

    private static bool SameFile(string a, string b) => string.Equals(PathTarget.Of(a).FinalPath, PathTarget.Of(b).FinalPath, StringComparison.Ordinal);

    /// <summary>
    /// Writes the file under a temporary name beside it, then renames it into place: a symbolic link at the path is
    /// replaced, never written through, and a failed or cancelled write leaves what was there before.
    /// </summary>
    public static void Write(string path, string option, Action<string> write, CancellationToken cancellationToken = default)
    {
        try
        {
            ReplacedFile.Write(path, write, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var why = e is UnauthorizedAccessException ? "permission denied" : e.Message;
            throw new ModelException($"{option}: '{path}' cannot be written ({why}); give a path in a writable folder");
        }
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
