using Hass.Abstractions;
using Hass.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Pruning;

/// <summary>
/// Applies weight magnitude thresholds and activation thresholds to a network and undoes them exactly.
/// For each pruned tensor only the flat indices and original values of the weights it zeroed are kept.
/// Building block of the criteria in Hass.Pruning.Threshold (and of third-party ones).
/// </summary>
public sealed class PruningEdits : IPruningHandle
{
    private readonly List<(Tensor Weight, Tensor Indices, Tensor Values)> _zeroed = [];
    private readonly List<(ActivationSite Site, double Previous)> _sites = [];
    private readonly Dictionary<string, double> _weightThresholds = [];
    private readonly Dictionary<string, double> _activationThresholds = [];
    private bool _reverted;

    public IReadOnlyDictionary<string, double> WeightThresholds => _weightThresholds;
    public IReadOnlyDictionary<string, double> ActivationThresholds => _activationThresholds;

    /// <summary>Zeroes the weights of <paramref name="node"/> with |w| &lt; <paramref name="threshold"/>.</summary>
    public void PruneWeights(NetNode node, double threshold)
    {
        if (!(threshold >= 0) || double.IsInfinity(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"weight threshold of '{node.Name}' must be a finite number >= 0");
        _weightThresholds[node.Name] = threshold;
        if (threshold == 0) return;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var limit = threshold.ToScalar();   // explicit Scalars: see ActivationSite.forward
        using var zero = 0.0.ToScalar();
        var weight = node.Weight;
        var flat = weight.view(-1);
        using var nonZero = flat.ne(zero);
        using var mask = flat.abs().lt(limit).logical_and_(nonZero);
        var indices = mask.nonzero().view(-1);
        if (indices.numel() == 0) { indices.Dispose(); return; }
        var values = flat.index_select(0, indices);
        flat.index_fill_(0, indices, zero);
        _zeroed.Add((weight, indices.DetachFromDisposeScope(), values.DetachFromDisposeScope()));
    }

    public void SetActivationThreshold(NetNode node, double threshold)
    {
        var site = node.Site;
        var previous = site.Threshold;
        site.Threshold = threshold;
        _sites.Add((site, previous));
        _activationThresholds[node.Name] = threshold;
    }

    public void Revert()
    {
        if (_reverted) return;
        _reverted = true;
        using var _ = no_grad();
        for (int i = _zeroed.Count - 1; i >= 0; i--)
        {
            var (weight, indices, values) = _zeroed[i];
            weight.view(-1).index_copy_(0, indices, values);
            indices.Dispose();
            values.Dispose();
        }
        _zeroed.Clear();
        for (int i = _sites.Count - 1; i >= 0; i--) _sites[i].Site.Threshold = _sites[i].Previous;
        _sites.Clear();
    }

    public void Dispose() => Revert();

    /// <summary>Standard deviation of a node's weights (for thresholds relative to std(W)).</summary>
    public static double WeightStd(NetNode node)
    {
        using var _ = no_grad();
        return node.Weight.std().item<float>();
    }

    /// <summary>The value of <paramref name="name"/> in <paramref name="parameters"/>; a clear error when missing or out of range.</summary>
    public static double Value(ParameterSet parameters, SearchDimension dimension)
    {
        if (!parameters.Values.TryGetValue(dimension.Name, out var v))
            throw new ArgumentException($"parameter '{dimension.Name}' is missing from the parameter set");
        if (!dimension.Contains(v))
            throw new ArgumentOutOfRangeException(dimension.Name, v, $"parameter '{dimension.Name}' = {v} is outside [{dimension.Low}, {dimension.High}]");
        return v;
    }
}
