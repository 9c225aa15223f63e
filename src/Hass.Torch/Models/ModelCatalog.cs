using Hass.Abstractions;
using Hass.Torch.Data;
using Hass.Torch.Training;

namespace Hass.Torch.Models;

/// <summary>A model with its weights, ready to run: the trained (BN-unfolded) network and where its weights came from.</summary>
public sealed record LoadedModel(IModelProvider Provider, HassNet Net, string WeightsSource, string WeightsHash);

/// <summary>
/// Finds registered models (<see cref="IModelProvider"/>) and model sources (<see cref="IModelSource"/>, "onnx:PATH")
/// by name; built by the container from every registered one, and loads their weights.
/// </summary>
public sealed class ModelCatalog(IEnumerable<IModelProvider> models, IEnumerable<IModelSource> sources)
{
    private readonly IReadOnlyList<IModelProvider> _models = models.ToList();
    private readonly IReadOnlyList<IModelSource> _sources = sources.ToList();

    public IModelProvider Resolve(string name)
    {
        var provider = _models.FirstOrDefault(m => m.Name == name);
        if (provider is not null) return provider;
        if (SourceOf(name) is { } source) return source.Open(name[(name.IndexOf(':') + 1)..]);
        var known = _models.Select(m => m.Name).Concat(_sources.Select(s => s.Name + ":PATH")).Order(StringComparer.Ordinal).ToList();
        throw new ModelException($"unknown model '{name}'. Known models: {(known.Count == 0 ? "none (is the Hass.Models.Zoo plugin loaded?)" : string.Join(", ", known))}");
    }

    /// <summary>The registered model of that name, or null (model sources such as "onnx:…" are not opened).</summary>
    public IModelProvider? Registered(string name) => _models.FirstOrDefault(m => m.Name == name);

    /// <summary>Whether <paramref name="name"/> is a registered model or names a registered model source ("onnx:…").</summary>
    public bool IsKnown(string name) => _models.Any(m => m.Name == name) || SourceOf(name) is not null;

    private IModelSource? SourceOf(string name)
    {
        var colon = name.IndexOf(':');
        return colon > 0 ? _sources.FirstOrDefault(s => s.Name == name[..colon]) : null;
    }

    /// <summary>
    /// Weights in this order: an explicit checkpoint; the model's own weights (<see cref="IModelWithWeights"/>); the cached checkpoint of the model's default training
    /// (seed 0) on <paramref name="dataset"/>; the checkpoint shipped with the plugin; random initialisation
    /// (seed 0) for models without a training recipe. Otherwise a ModelException says how to train it.
    /// </summary>
    public static LoadedModel Load(IModelProvider provider, string? checkpoint, CheckpointStore store, LabelledDataset? dataset)
    {
        var net = provider.Build(0);
        try
        {
            if (checkpoint is not null)
                return Loaded(checkpoint);
            if (provider is IModelWithWeights own)
            {
                net.eval();
                return new LoadedModel(provider, net, own.WeightsSource, own.WeightsHash);
            }
            if (provider.Info.Training is { } recipe && dataset is not null)
            {
                var cached = store.Find(provider.Name, CheckpointStore.TrainingKey(provider, recipe, 0, dataset.Identity));
                if (cached is not null) return Loaded(cached);
            }
            if (provider.ShippedCheckpoint is { } shipped)
                return Loaded(shipped);
            if (provider.Info.Training is null)
            {
                net.eval();
                return new LoadedModel(provider, net, "random init (seed 0)", "random-init-seed-0:" + provider.Name);
            }
            throw new ModelException($"model '{provider.Name}' has no trained checkpoint: run `hass model train {provider.Name}` " +
                $"(cached in {store.Folder}) or give one with --checkpoint");
        }
        catch
        {
            net.Dispose();
            throw;
        }

        LoadedModel Loaded(string path)
        {
            Checkpoints.Load(net, path);
            return new LoadedModel(provider, net, Path.GetFullPath(path), Hashing.FileSha256(path));
        }
    }
}
