using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Strategies;

namespace Hass.Search.Sensitivity;

/// <summary>
/// The per-layer sensitivity sweep: every threshold dimension is pruned alone (all others unpruned) and its
/// fraction bisected for accuracy, all dimensions interleaved, <c>depth</c> probes each. Result per dimension:
/// the largest fraction it tolerates alone (<see cref="Tolerated"/>) and the smallest it does not
/// (<see cref="Limit"/>, 1 when none was found). Layers interact, so the tolerated fractions together are an
/// optimistic bound: the "sensitivity ceiling".
/// </summary>
public sealed class SensitivitySweep(ThresholdScale scale, AccuracyGuard guard, int depth)
{
    public const string ProbeOrigin = "sensitivity:sweep";

    private readonly Dictionary<int, Bracket> _brackets = scale.ThresholdDims.ToDictionary(d => d, _ => new Bracket());

    private sealed class Bracket
    {
        public double Low;      // largest fraction known tolerated alone
        public double High = 1; // smallest fraction known not tolerated (1 until found)
        public int Probes;
    }

    /// <summary>Tag of a sweep probe: dimension index and fraction.</summary>
    public sealed record Probe(int Dimension, double Fraction);

    /// <summary>
    /// The next bisection step of an unfinished dimension with no probe in flight (fewest probes first, then the
    /// lowest index), or null when none is free. Each dimension's bisection depends only on its own answers, so
    /// asking one step at a time keeps every slot busy and gives the same limits in any order of answers.
    /// </summary>
    public BatchItem? NextFree(IReadOnlySet<int> busyDimensions)
    {
        var free = _brackets.Where(pair => pair.Value.Probes < depth && !busyDimensions.Contains(pair.Key))
            .OrderBy(pair => pair.Value.Probes).ThenBy(pair => pair.Key).ToList();
        if (free.Count == 0) return null;
        var (d, b) = (free[0].Key, free[0].Value);
        var probe = new Probe(d, 0.5 * (b.Low + b.High));
        return new BatchItem(PointOf(probe), ProbeOrigin, probe);
    }

    /// <summary>True once every dimension has had its <c>depth</c> answered probes.</summary>
    public bool Done => _brackets.Values.All(b => b.Probes >= depth);

    /// <summary>
    /// Narrows the bracket of the told probe's dimension. The dimension and fraction are read from the told point
    /// when it differs from the tag's: a resumed campaign replays asks with every earlier trial told, so when trials
    /// finished out of order the original run may have asked this trial for another dimension than the replay's tag
    /// says. A told point that is no sweep probe teaches the sweep nothing.
    /// </summary>
    public void Record(Probe probe, TrialOutcome outcome)
    {
        if (outcome.State == TrialState.Abandoned) return; // lost, not answered: probed again
        if ((PointOf(probe).Equals(outcome.Parameters) ? probe : ProbeOf(outcome.Parameters)) is not { } told) return;
        var b = _brackets[told.Dimension];
        b.Probes++;
        if (guard.IsFeasible(outcome)) b.Low = Math.Max(b.Low, told.Fraction);
        else b.High = Math.Min(b.High, told.Fraction);
    }

    private ParameterSet PointOf(Probe probe) => scale.At(x => x == probe.Dimension ? probe.Fraction : 0);

    /// <summary>The sweep probe a point is (one threshold dimension pruned, at a bisection fraction), or null.</summary>
    private Probe? ProbeOf(ParameterSet point)
    {
        var pruned = scale.Pruned(point);
        if (pruned.Count != 1 || !_brackets.ContainsKey(pruned[0])) return null;
        var probe = new Probe(pruned[0], ThresholdScale.OnDyadicGrid(scale.FractionOf(pruned[0], point)));
        return PointOf(probe).Equals(point) ? probe : null;
    }

    /// <summary>Largest fraction dimension <paramref name="d"/> tolerated alone (0 for non-threshold dimensions).</summary>
    public double Tolerated(int d) => _brackets.TryGetValue(d, out var b) ? b.Low : 0;

    /// <summary>Smallest fraction dimension <paramref name="d"/> did not tolerate alone (1 when none).</summary>
    public double Limit(int d) => _brackets.TryGetValue(d, out var b) ? b.High : 1;
}
