using Hass.Abstractions;
using Hass.Search.Core;

namespace Hass.Search.Tpe;

/// <summary>
/// Tree-structured Parzen Estimator, following Optuna's TPESampler (v3/v4) rule by rule: random start-up
/// trials, the γ split of the observed trials into "below" (good) and "above", Parzen estimators with a prior
/// kernel, Optuna's bandwidths and magic clip, and the expected-improvement choice among n_ei_candidates
/// draws of the "below" estimator (argmax of log l(x) − log g(x)). Constraints, pruned trials, several
/// objectives (MOTPE-style) and trials in flight (constant liar) are handled as in Optuna; see docs/search.md.
/// </summary>
public sealed class TpeStrategy() : StrategyBase("tpe")
{
    private int _startupTrials;
    private double _gamma;
    private int _gammaMax;
    private int _candidates;
    private bool _constantLiar;
    private bool _constraints;
    private bool _rankPruned;
    private ParzenOptions _parzen = new();
    private bool _scaledStartup;

    public int StartupTrials => _startupTrials;

    protected override bool ReplayNeedsProposals => false;

    protected override void Configure()
    {
        var s = ReadSettings<TpeSettings>();
        _startupTrials = s.StartupTrials(Codec.Count, Context.TrialBudget);
        _gamma = s.Gamma;
        _gammaMax = s.GammaMax;
        _candidates = s.NEiCandidates;
        _constantLiar = s.ConstantLiar;
        _constraints = s.Constraints;
        _scaledStartup = s.Startup == TpeStartup.Scaled;
        _rankPruned = s.PrunedTrials == PrunedTrialHandling.Rank;
        _parzen = new ParzenOptions
        {
            PriorWeight = s.PriorWeight,
            ConsiderPrior = s.ConsiderPrior,
            ConsiderMagicClip = s.ConsiderMagicClip,
            ConsiderEndpoints = s.ConsiderEndpoints,
            Multivariate = s.Multivariate,
            OmitLogSigma = s.Density == TpeDensity.Optuna31,
        };
    }

    /// <summary>Optuna's default_gamma: min(ceil(γ·n), γmax).</summary>
    public static int BelowCount(int n, double gamma, int gammaMax) => Math.Min((int)Math.Ceiling(gamma * n), gammaMax);

    /// <summary>Optuna's default_weights: 1 for the newest 25, a linear ramp from 1/n for the older ones.</summary>
    public static double[] ObservationWeights(int n)
    {
        var w = new double[n];
        if (n < 25) { Array.Fill(w, 1.0); return w; }
        var ramp = n - 25;
        for (var i = 0; i < ramp; i++) w[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1 - 1.0 / n) * i / (ramp - 1);
        for (var i = ramp; i < n; i++) w[i] = 1;
        return w;
    }

    private sealed record Observation(int Number, double[] Internal);

    protected override (ParameterSet, string) Propose(int number, int proposalIndex)
    {
        var observed = new List<TrialOutcome>();
        foreach (var o in History)
        {
            if (!FitsSpace(o)) continue;
            var usable = o.State switch
            {
                TrialState.Complete => Ranking.Losses(o, Directions) is not null || (_constraints && !Ranking.IsFeasible(o)),
                TrialState.Pruned => _rankPruned,
                _ => false, // failed and abandoned trials carry no information
            };
            if (usable) observed.Add(o);
        }
        if (observed.Count < _startupTrials || observed.Count == 0)
            return (StartupPoint(Rng.For(Seed, number, 0)), "tpe:startup");

        var (below, above) = Split(observed, BelowCount(observed.Count, _gamma, _gammaMax));
        var belowObs = below.Select(o => new Observation(o.Number, Internalise(o.Parameters))).ToList();
        var aboveObs = above.Select(o => new Observation(o.Number, Internalise(o.Parameters))).ToList();
        if (_constantLiar)
            foreach (var (n, p) in InFlight)
                aboveObs.Add(new Observation(n, Internalise(p)));
        belowObs.Sort((a, b) => a.Number.CompareTo(b.Number));
        aboveObs.Sort((a, b) => a.Number.CompareTo(b.Number));

        var lower = new ParzenEstimator(Codec, belowObs.Select(o => o.Internal).ToList(), ObservationWeights(belowObs.Count), _parzen);
        var upper = new ParzenEstimator(Codec, aboveObs.Select(o => o.Internal).ToList(), ObservationWeights(aboveObs.Count), _parzen);

        var chosen = new double[Codec.Count];
        if (_parzen.Multivariate)
        {
            var draws = lower.SampleJoint(Rng.For(Seed, number, 1), _candidates);
            var best = double.NegativeInfinity;
            var bestIndex = 0;
            for (var i = 0; i < draws.Length; i++)
            {
                var score = lower.LogPdfJoint(draws[i]) - upper.LogPdfJoint(draws[i]);
                if (score > best) { best = score; bestIndex = i; }
            }
            chosen = draws[bestIndex];
        }
        else
        {
            for (var d = 0; d < Codec.Count; d++)
            {
                var draws = lower.SampleDimension(d, Rng.For(Seed, number, 2 + d), _candidates);
                var best = double.NegativeInfinity;
                chosen[d] = draws[0];
                foreach (var x in draws)
                {
                    var score = lower.LogPdfDimension(d, x) - upper.LogPdfDimension(d, x);
                    if (score > best) { best = score; chosen[d] = x; }
                }
            }
        }
        return (Codec.Build(d => Codec.FromInternal(d, chosen[d])), "tpe");
    }

    /// <summary>A start-up point: "scaled" (default, see SpaceCodec.SampleScaled) or "random" (uniform, as Optuna).</summary>
    private ParameterSet StartupPoint(Rng rng) => _scaledStartup ? Codec.SampleScaled(rng) : Codec.SampleUniform(rng);

    private double[] Internalise(ParameterSet p)
    {
        var x = new double[Codec.Count];
        for (var d = 0; d < Codec.Count; d++) x[d] = Codec.ToInternal(d, p[Codec.Dimensions[d].Name]);
        return x;
    }

    /// <summary>
    /// Optuna's _split_trials: feasible complete trials first (by value, or by non-domination rank with a
    /// crowding-distance tie-break for several objectives), then pruned trials (latest step first, then their
    /// reported value), then infeasible trials by violation; the first <paramref name="nBelow"/> are "below".
    /// </summary>
    private (List<TrialOutcome> Below, List<TrialOutcome> Above) Split(List<TrialOutcome> observed, int nBelow)
    {
        var complete = new List<TrialOutcome>();
        var pruned = new List<TrialOutcome>();
        var infeasible = new List<TrialOutcome>();
        foreach (var o in observed)
        {
            if (_constraints && !Ranking.IsFeasible(o)) infeasible.Add(o);
            else if (o.State == TrialState.Complete) complete.Add(o);
            else pruned.Add(o);
        }
        var below = new List<TrialOutcome>();
        var above = new List<TrialOutcome>();
        void Take(IEnumerable<TrialOutcome> ordered)
        {
            foreach (var o in ordered)
                (below.Count < nBelow ? below : above).Add(o);
        }
        Take(OrderComplete(complete));
        Take(pruned.OrderBy(o => -PrunedStep(o)).ThenBy(PrunedLoss).ThenBy(o => o.Number));
        Take(infeasible.OrderBy(Ranking.Violation).ThenBy(o => o.Number));
        return (below, above);
    }

    private IEnumerable<TrialOutcome> OrderComplete(List<TrialOutcome> complete)
    {
        var losses = complete.Select(o => Ranking.Losses(o, Directions)!).ToList();
        if (Directions.Count == 1)
            return Enumerable.Range(0, complete.Count).OrderBy(i => losses[i][0]).ThenBy(i => complete[i].Number).Select(i => complete[i]);
        return Ranking.SelectBest(losses, complete.Count).Select(i => complete[i]);
    }

    /// <summary>Pruned trials report their last step in Metrics["step"] (optional) and their value at it in Values.</summary>
    private static double PrunedStep(TrialOutcome o) =>
        o.Metrics is not null && o.Metrics.TryGetValue("step", out var step) && double.IsFinite(step) ? step : -1;

    private double PrunedLoss(TrialOutcome o) => Ranking.Losses(o, Directions) is { } l ? l[0] : double.PositiveInfinity;
}
