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
    public void PruneWeights(NetNode node, double threshold, WeightBalance balance = WeightBalance.None)
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
        using var below = flat.abs().lt(limit);
        var groups = BalancedGroups(weight, balance);
        using var mask = (groups > 1 ? BalancedMask(flat, groups, below.sum().item<long>()) : below).logical_and_(nonZero);
        var indices = mask.nonzero().view(-1);
        if (indices.numel() == 0) { indices.Dispose(); return; }
        var values = flat.index_select(0, indices);
        flat.index_fill_(0, indices, zero);
        _zeroed.Add((weight, indices.DetachFromDisposeScope(), values.DetachFromDisposeScope()));
    }

    private static long BalancedGroups(Tensor weight, WeightBalance balance) => balance switch
    {
        WeightBalance.Filter => weight.shape[0],
        WeightBalance.Kernel => weight.dim() > 2 ? weight.shape[0] * weight.shape[1] : weight.shape[0],
        _ => 1,
    };

    /// <summary>
    /// The <paramref name="count"/> smallest magnitudes of <paramref name="flat"/> taken evenly from its
    /// <paramref name="groups"/> rows: ⌊count / groups⌋ from each, and one more from the rows whose next smallest
    /// magnitude is smallest, so the layer loses exactly as many weights as its threshold says.
    /// </summary>
    private static Tensor BalancedMask(Tensor flat, long groups, long count)
    {
        var magnitudes = flat.view(groups, -1).abs();
        var width = magnitudes.shape[1];
        var order = magnitudes.argsort(dim: 1);
        var each = count / groups;
        var extra = count - each * groups;
        using var eachScalar = each.ToScalar();
        using var widthScalar = width.ToScalar();
        var columns = arange(widthScalar, dtype: int64, device: flat.device).unsqueeze(0);
        var take = columns.lt(eachScalar).expand(groups, width).clone();
        if (extra > 0)
        {
            var next = magnitudes.gather(1, order.narrow(1, each, 1)).view(-1);
            var extraRows = zeros(groups, dtype: @bool, device: flat.device);
            using var yes = true.ToScalar();
            extraRows.index_fill_(0, next.argsort().narrow(0, 0, extra), yes);
            take.logical_or_(columns.eq(eachScalar).logical_and(extraRows.unsqueeze(1)));
        }
        return zeros_like(take).scatter_(1, order, take).view(-1);
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
        using var std = node.Weight.std();   // held while item reads it (see ActivationSite.forward)
        return std.item<float>();
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
