using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Strategies;

namespace Hass.Search.Sensitivity;

/// <summary>
/// The bottleneck-directed local search that shares the post-ray budget with tpe: a trust region around the
/// incumbent (the fastest confirmed trial when the engine confirms incumbents, else the fastest trial whose search-split drop the
/// final pick accepts). Each move raises thresholds that
/// sparsify the incumbent design's slowest stages (the layers that bound a dataflow pipeline's throughput, from the
/// trial's <c>cycles:&lt;layer&gt;</c> metrics: one of them, or one per slow stage), and — when the incumbent has
/// little accuracy left to spend, or at random — lowers one that feeds no slow stage, buying the accuracy back
/// where it costs no throughput. With a <c>localResourceShare</c>, that share of the moves instead raises a threshold of a layer that
/// holds much of the resource binding the design, freeing DSPs or LUTs for the slow stages. Steps are a share of each dimension's sweep limit and shrink while moves fail (with
/// <see cref="LocalStepRule.Outcome"/>: shrink while they lose too much accuracy, grow while they are no faster).
/// Which proposals are local is a fixed schedule and everything else is recomputed from the told set at each
/// ask, so replay rebuilds the same state whatever order the trials finished in, and moves can be asked while
/// others are in flight.
/// </summary>
public sealed class BottleneckSearch(SpaceCodec codec, ThresholdScale scale, SensitivitySweep sweep, BottleneckSettings settings,
                                     IReadOnlyList<ObjectiveDirection> directions, int seed, IEnumerable<TrialOutcome> sweepHistory)
{
    public const string Origin = "sensitivity:bottleneck";

    private const double SlowBand = 0.05;     // stages within 5 % of the slowest bound the throughput
    private const double InitialStep = 0.15;  // share of a dimension's sweep limit per move
    private const double MinimumStep = 0.03;
    private const double MaximumStep = 0.45;
    private const int FailuresPerShrink = 4;
    private const int Redraws = 8;
    /// <summary>Moves drawn for the drop model to choose from.</summary>
    public const int SteeredCandidates = 16;

    private readonly HashSet<int> _numbers = [];
    private readonly LayerInfluence _influence = new(codec, scale, sweepHistory);
    private int _turns;

    /// <summary>Whether the next post-ray proposal is a local move: a fixed <c>localShare</c> of them, spread evenly.</summary>
    public bool TakesTurn()
    {
        var k = _turns++;
        return Math.Floor((k + 1) * settings.Share) > Math.Floor(k * settings.Share);
    }

    /// <summary>Whether trial <paramref name="number"/> was a local move.</summary>
    public bool Owns(int number) => _numbers.Contains(number);

    /// <summary>The observation number under which tpe is told local trial <paramref name="number"/> (independent of tell order).</summary>
    public static int ObservationNumber(int number) => -1_000_000 - number;

    /// <summary>
    /// A move around the incumbent of <paramref name="history"/>, distinct from every told or in-flight point. With the
    /// <c>localModel</c> setting and an <see cref="AdditiveDropModel"/> of the history, the move is the best of
    /// <see cref="SteeredCandidates"/> (<see cref="Choose"/>).
    /// </summary>
    public ParameterSet Propose(int number, IReadOnlyList<TrialOutcome> history, IEnumerable<ParameterSet> inFlight)
    {
        _numbers.Add(number);
        var seen = history.Select(o => o.Parameters).Concat(inFlight).Select(p => p.QuantisedKey(9)).ToHashSet();
        var incumbent = Incumbent(history);
        var step = Step(history, incumbent);
        var model = incumbent is not null && settings.Model ? AdditiveDropModel.Fit(scale, history, OverTarget) : null;
        if (model is not null)
        {
            var candidates = Enumerable.Range(0, SteeredCandidates).Select(attempt => Move(incumbent!, step, Rng.For(seed, number, 0x5733D, attempt)))
                .Where(p => !seen.Contains(p.QuantisedKey(9))).ToList();
            if (candidates.Count > 0) return Choose(incumbent!, candidates, model);
        }
        ParameterSet point = codec.Defaults();
        for (var attempt = 0; attempt < Redraws; attempt++)
        {
            var rng = Rng.For(seed, number, 0xB0771E, attempt);
            point = incumbent is null ? FromRay(rng) : Move(incumbent, step * (1 + attempt / 2.0), rng);
            if (!seen.Contains(point.QuantisedKey(9))) break;
        }
        return point;
    }

    /// <summary>
    /// Of the moves that raise the thresholds feeding the slow stages at least as much as the median move (each rise a share of its
    /// cap), the one predicted to cost the least accuracy. So each move still speeds the slow stages up as far as a random one would,
    /// and spends as little of the accuracy as the model knows how.
    /// </summary>
    public ParameterSet Choose(TrialOutcome incumbent, IReadOnlyList<ParameterSet> candidates, AdditiveDropModel model)
    {
        var slow = LayerInfluence.SlowestLayers(incumbent, SlowBand);
        var feeders = scale.ThresholdDims.Where(d => Feeds(d, slow)).ToList();
        double Gain(ParameterSet p) => feeders.Sum(d => Math.Max(0, scale.FractionOf(d, p) - scale.FractionOf(d, incumbent.Parameters)) / Math.Max(Cap(d), 1e-9));
        var scored = candidates.Select(p => (Point: p, Gain: Gain(p), Over: model.OverTarget(d => scale.FractionOf(d, p)))).ToList();
        var median = Statistics.Median(scored.Select(c => c.Gain));
        return scored.Where(c => c.Gain >= median).MinBy(c => c.Over).Point;
    }

    /// <summary>How far a told trial's search-split drop passed the target the incumbent must meet (points), null without a drop.</summary>
    private double? OverTarget(TrialOutcome o) =>
        o.Metrics is { } m && m.TryGetValue(AccuracyGuard.AccuracyDropKey, out var drop) && double.IsFinite(drop) ? drop - Target(o, drop) : null;

    /// <summary>
    /// The fastest confirmed trial that passed its confirmation (<see cref="Confirmation"/>) when the engine confirms incumbents;
    /// until one has, the fastest unconfirmed complete trial within the pick's accuracy target. Null when there is none.
    /// </summary>
    public TrialOutcome? Incumbent(IEnumerable<TrialOutcome> history)
    {
        var complete = history.Where(o => o.State == TrialState.Complete && Ranking.Losses(o, directions) is not null).ToList();
        var confirmed = complete.Where(o => Confirmation.Of(o) is { Passed: true }).ToList();
        var pool = confirmed.Count > 0 ? confirmed : complete.Where(o => Confirmation.Of(o) is null && WithinTarget(o));
        return pool.OrderBy(o => Ranking.Losses(o, directions)![0]).ThenBy(o => o.Number).FirstOrDefault();
    }

    private bool WithinTarget(TrialOutcome o) => OverTarget(o) is { } over ? over <= 0 : Ranking.IsFeasible(o);

    /// <summary>The drop the final pick accepts: the tolerance setting, else the engine's tolerance (drop − violation) minus the margin.</summary>
    private double Target(TrialOutcome o, double drop) =>
        settings.Tolerance ?? (double.IsFinite(o.ConstraintViolation) ? drop - o.ConstraintViolation - settings.Margin : 0);

    /// <summary>
    /// The trust region, from the local moves told since the incumbent without beating it. <see cref="LocalStepRule.Failures"/>: the
    /// initial step shrunk by 0.7 for every few of them. <see cref="LocalStepRule.Outcome"/>: shrunk by 0.7 for every two that lost
    /// too much accuracy, grown by 1.4 for every two that kept within it yet were no faster (a throughput plateau, which only a
    /// longer step leaves), between <see cref="MinimumStep"/> and <see cref="MaximumStep"/>.
    /// </summary>
    public double Step(IReadOnlyList<TrialOutcome> history, TrialOutcome? incumbent)
    {
        if (incumbent is null) return InitialStep;
        var failures = history.Where(o => _numbers.Contains(o.Number) && o.Number > incumbent.Number).ToList();
        if (settings.StepRule == LocalStepRule.Failures) return Math.Max(MinimumStep, InitialStep * Math.Pow(0.7, failures.Count / FailuresPerShrink));
        var overshoots = failures.Count(LostTooMuch);
        var plateaus = failures.Count - overshoots;
        return Math.Clamp(InitialStep * Math.Pow(0.7, overshoots / 2) * Math.Pow(1.4, plateaus / 2), MinimumStep, MaximumStep);
    }

    /// <summary>Whether a move lost too much accuracy: not complete (stopped early, failed), infeasible as told (a failed confirmation too), or past the local target.</summary>
    private bool LostTooMuch(TrialOutcome o) => o.State != TrialState.Complete || !Ranking.IsFeasible(o) || !WithinTarget(o);

    private ParameterSet FromRay(Rng rng)
    {
        var s = rng.Uniform(0.2, 0.8);
        return scale.At(d => s * sweep.Tolerated(d));
    }

    private ParameterSet Move(TrialOutcome incumbent, double step, Rng rng)
    {
        var fractions = scale.ThresholdDims.ToDictionary(d => d, d => scale.FractionOf(d, incumbent.Parameters));
        var slow = LayerInfluence.SlowestLayers(incumbent, SlowBand);
        void Shift(int d, double sign)
        {
            var moved = fractions[d] + sign * step * Cap(d) * rng.Uniform(0.5, 1.5);
            fractions[d] = sign > 0 ? Math.Min(Cap(d), moved) : Math.Max(0, moved);
        }
        var open = settings.Floors ? slow.Where(layer => !LayerInfluence.AtFloor(incumbent, layer)).ToHashSet() : slow;
        bool capped = slow.Count > 0 && open.Count == 0;
        var freeing = capped || (settings.ResourceShare > 0 && rng.NextDouble() < settings.ResourceShare) ? ResourceRaise(incumbent, slow, fractions, rng) : null;
        var raised = freeing ?? RaiseSet(open, fractions, rng);
        foreach (var d in raised) Shift(d, +1);
        var lower = scale.ThresholdDims.Where(d => !Feeds(d, slow) && fractions[d] > 0 && (freeing is null || !raised.Contains(d))).ToList();
        if (lower.Count > 0 && (Slack(incumbent) < settings.ExchangeBelow || rng.NextDouble() < 0.5)) Shift(lower[rng.NextInt(lower.Count)], -1);
        return codec.Build(d => fractions.TryGetValue(d, out var f) ? codec.AtFraction(d, f) : incumbent.Parameters[codec.Dimensions[d].Name]);
    }

    /// <summary>Whether dimension <paramref name="d"/> sparsifies one of the <paramref name="slow"/> stages.</summary>
    private bool Feeds(int d, HashSet<string> slow) => _influence.LayersOf(d).Overlaps(slow);

    /// <summary>
    /// The thresholds to raise: every slow stage bounds the pipeline, so half the moves raise one feeding threshold per slow
    /// stage (all of them must speed up for the throughput to move), the other half one threshold of one slow stage.
    /// Without a slow stage that can still be sparsified: one threshold below its cap.
    /// </summary>
    private List<int> RaiseSet(HashSet<string> slow, Dictionary<int, double> fractions, Rng rng)
    {
        var perStage = slow.Order(StringComparer.Ordinal)
            .Select(layer => OpenFeeders(layer, fractions))
            .Where(feeders => feeders.Count > 0).ToList();
        var open = scale.ThresholdDims.Where(d => fractions[d] < Cap(d)).ToList();
        if (perStage.Count == 0) return open.Count == 0 ? [] : [open[rng.NextInt(open.Count)]];
        if (rng.NextDouble() < 0.5)
        {
            var stage = perStage[rng.NextInt(perStage.Count)];
            return [stage[rng.NextInt(stage.Count)]];
        }
        return perStage.Select(feeders => feeders[rng.NextInt(feeders.Count)]).Distinct().ToList();
    }

    /// <summary>
    /// One threshold below its cap that sparsifies a layer outside the slow stages, the layer drawn by its share of the resource that
    /// binds the design (<c>resource:&lt;layer&gt;</c> metrics): zeros there free DSPs or LUTs the DSE can give the slow stages, which is
    /// the only way forward when those cannot be sparsified (a first layer whose window is already fully parallel, a pooling stage).
    /// Null without such a layer.
    /// </summary>
    private List<int>? ResourceRaise(TrialOutcome incumbent, HashSet<string> slow, Dictionary<int, double> fractions, Rng rng)
    {
        var heavy = LayerMetrics.Of(incumbent, OutcomeMetrics.ResourcePrefix)
            .Where(l => l.Value > 0 && !slow.Contains(l.Layer))
            .OrderBy(l => l.Layer, StringComparer.Ordinal)
            .Select(l => (Share: l.Value, Feeders: OpenFeeders(l.Layer, fractions)))
            .Where(l => l.Feeders.Count > 0).ToList();
        if (heavy.Count == 0) return null;
        var draw = rng.NextDouble() * heavy.Sum(l => l.Share);
        var chosen = heavy.FirstOrDefault(l => (draw -= l.Share) <= 0, heavy[^1]).Feeders;
        return [chosen[rng.NextInt(chosen.Count)]];
    }

    /// <summary>The threshold dimensions that sparsify <paramref name="layer"/> and are still below their cap.</summary>
    private List<int> OpenFeeders(string layer, Dictionary<int, double> fractions) =>
        scale.ThresholdDims.Where(d => _influence.LayersOf(d).Contains(layer) && fractions[d] < Cap(d)).ToList();

    /// <summary>Accuracy the incumbent may still lose (points): on the confirmation split when it was confirmed; +∞ without an accuracy-drop metric.</summary>
    private double Slack(TrialOutcome incumbent) =>
        Confirmation.Of(incumbent) is { } confirmation ? confirmation.Slack : OverTarget(incumbent) is { } over ? -over : double.PositiveInfinity;

    /// <summary>A dimension is never raised past the smallest fraction it did not tolerate alone.</summary>
    private double Cap(int d) => sweep.Limit(d);
}

/// <summary>What the local search needs of the strategy's settings.</summary>
/// <param name="Share">Share of the post-ray proposals that are local moves (0: tpe alone).</param>
/// <param name="Margin">Points below the engine's tolerance an incumbent must stay (the final pick's margin).</param>
/// <param name="Tolerance">The strategy's own tolerance setting, which replaces tolerance − margin when set.</param>
/// <param name="ExchangeBelow">Below this much accuracy slack (points) every move also lowers a dimension that feeds no slow stage.</param>
/// <param name="Model">Whether moves are chosen with the additive drop model when the trials carry smoothed drops.</param>
/// <param name="StepRule">How the step responds to the moves that did not beat the incumbent.</param>
/// <param name="ResourceShare">Share of the moves that raise a threshold of a layer holding much of the binding resource instead.</param>
/// <param name="Floors">Whether the moves leave slow stages at their floor alone, and free the binding resource when all of them are.</param>
public sealed record BottleneckSettings(double Share, double Margin, double? Tolerance, double ExchangeBelow, bool Model = false,
                                        LocalStepRule StepRule = LocalStepRule.Failures, double ResourceShare = 0, bool Floors = false);

/// <summary>How the local search's step responds to moves that did not beat the incumbent (setting <c>localStepRule</c>).</summary>
public enum LocalStepRule
{
    /// <summary>Every 4 such moves shrink it by 0.7.</summary>
    Failures,
    /// <summary>Every 2 that lost too much accuracy shrink it by 0.7; every 2 that kept within it but were no faster grow it by 1.4.</summary>
    Outcome,
}
