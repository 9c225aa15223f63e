using Hass.Abstractions;
using Hass.Torch.Models;
using TorchSharp.PyBridge;

namespace Hass.Torch.Training;

/// <summary>Thrown for model problems (unknown model, missing or mismatching checkpoint); the message says what to do.</summary>
public sealed class ModelException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>How a checkpoint came to be (the .json file next to it).</summary>
public sealed record CheckpointMetadata
{
    public required string Model { get; init; }
    public required string Key { get; init; }
    public int Seed { get; init; }
    public TrainingRecipe? Recipe { get; init; }
    public string Dataset { get; init; } = "";
    public double TrainSeconds { get; init; }
    public double HeldOutTop1 { get; init; }
    public double? TestTop1 { get; init; }
    public string Command { get; init; } = "";
    public string Machine { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// Trained checkpoints cached by content key (model architecture + recipe with its held-out count + seed + dataset), so nothing is
/// trained twice. Folder: the given one, else $HASS_CACHE/checkpoints, else ~/.cache/hass/checkpoints.
/// Files: &lt;model&gt;-&lt;key16&gt;.dat (TorchSharp format) and a .json with <see cref="CheckpointMetadata"/>.
/// </summary>
public sealed class CheckpointStore(string? folder = null)
{
    public string Folder { get; } = folder
        ?? (Environment.GetEnvironmentVariable("HASS_CACHE") is { Length: > 0 } cache ? Path.Combine(cache, "checkpoints")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "hass", "checkpoints"));

    /// <summary>The cache key of training <paramref name="provider"/> with <paramref name="recipe"/> and <paramref name="seed"/> on a dataset.</summary>
    public static string TrainingKey(IModelProvider provider, TrainingRecipe recipe, int seed, string datasetIdentity)
    {
        using var net = provider.Build(0);
        var architecture = string.Join(";", net.state_dict().Select(kv => kv.Key + ":" + string.Join("x", kv.Value.shape)));
        return Hashing.Sha256Hex(HassJson.Serialize(new
        {
            provider.Name, Architecture = architecture, Recipe = recipe, Seed = seed, Dataset = datasetIdentity,
            Trainer = TrainerVersion,
        }));
    }

    /// <summary>Bumped when the training code changes results.</summary>
    public const int TrainerVersion = 1;

    public string PathFor(string model, string key) => Path.Combine(Folder, $"{model}-{key[..16]}.dat");

    public string? Find(string model, string key)
    {
        var path = PathFor(model, key);
        return File.Exists(path) ? path : null;
    }

    public string Save(HassNet net, CheckpointMetadata metadata)
    {
        Directory.CreateDirectory(Folder);
        var path = PathFor(metadata.Model, metadata.Key);
        ReplacedFile.Write(path, temporary => net.save(temporary));
        HassJson.WriteFile(Path.ChangeExtension(path, ".json"), metadata);
        return path;
    }

    public static CheckpointMetadata? ReadMetadata(string checkpointPath)
    {
        var json = Path.ChangeExtension(checkpointPath, ".json");
        return File.Exists(json) ? HassJson.ReadFile<CheckpointMetadata>(json) : null;
    }
}

public static class Checkpoints
{
    /// <summary>
    /// Loads weights into <paramref name="net"/>: a PyTorch state_dict (.pt/.pth/.bin, zip or pickle; via
    /// TorchSharp.PyBridge) or a TorchSharp checkpoint (module.save). Keys must match exactly.
    /// </summary>
    public static void Load(HassNet net, string path)
    {
        var target = PathTarget.Of(path);
        if (target.Kind == PathKind.Folder) throw new ModelException($"checkpoint '{path}' is a folder; give the weights file (a TorchSharp .dat or a PyTorch state_dict .pt/.bin)");
        if (target.Kind != PathKind.File) throw new ModelException($"checkpoint '{path}' does not exist");
        // A pipe or a device would block or never end: refused before it is opened.
        if (target.Length == 0)
            throw new ModelException($"checkpoint '{path}' is empty or not a regular file; give the weights file (a TorchSharp .dat or a PyTorch state_dict .pt/.bin)");
        try
        {
            if (IsPyTorch(path)) net.load_py(path, strict: true);
            else net.load(path, strict: true);
        }
        catch (Exception e) when (e is not ModelException)
        {
            throw new ModelException($"checkpoint '{path}' does not fit model '{net.ModelName}' or is corrupt ({e.Message}). " +
                "Give a checkpoint of this model (TorchSharp .dat or a PyTorch state_dict with TorchVision key names), or retrain with `hass model train`.", e);
        }
        net.eval();
    }

    /// <summary>Writes the state_dict in PyTorch format (torch.load-able; TorchVision key names for the ImageNet models).</summary>
    public static void SavePyTorch(HassNet net, string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        net.save_py(path);
    }

    private static bool IsPyTorch(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using var f = File.OpenRead(path);
        int n = f.Read(head);
        if (n >= 2 && head[0] == (byte)'P' && head[1] == (byte)'K') return true;   // torch.save zip format
        if (n >= 1 && head[0] == 0x80) return true;                                // legacy pickle
        return false;
    }
}
