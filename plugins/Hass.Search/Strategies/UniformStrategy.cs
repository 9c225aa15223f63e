using Hass.Abstractions;
using Hass.Search.Core;

namespace Hass.Search.Strategies;

/// <summary>
/// The non-hardware-aware baseline: one global weight threshold for every "w:" dimension and one global
/// activation threshold for every "a:" dimension (both on the common relative scale), chosen for accuracy
/// only. It bisects the scale along a few rays (weight-only, activation-only and mixes) in parallel, each
/// probe feasible or not by the accuracy constraint, and finally re-asks the feasible probe with the largest
/// sparsity (Metrics "effectiveSparsity" by default) as its choice, origin "uniform:choice"; hardware values
/// are never looked at. Then it is finished (CanAsk false).
/// </summary>
public sealed class UniformStrategy() : BatchStrategy("uniform")
{
    public const string ChoiceOrigin = "uniform:choice";


    private ThresholdScale _scale = null!;
    private AccuracyGuard _guard = null!;
    private string _metric = "";
    private int _depth;
    private Ray[] _rays = [];
    private bool _choiceAsked;
    private readonly List<(double Sparsity, double W, double A)> _feasible = [];

    private sealed class Ray(double weight, double activation)
    {
        public double Weight { get; } = weight;
        public double Activation { get; } = activation;
        public double Low;       // largest scale known feasible
        public double High = 1;  // smallest scale known infeasible (1 until found)
        public int Probes;
    }

    private sealed record Probe(int Ray, double Scale);

    protected override void Configure()
    {
        _scale = new ThresholdScale(Codec);
        _scale.RequireThresholds(Name);
        var s = ReadSettings<UniformSettings>();
        _guard = new AccuracyGuard(s.Tolerance);
        _metric = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(s.SparsityMetric.ToString());
        var rays = s.Rays ?? UniformSettings.DefaultRays;
        var hasW = _scale.WeightDims.Count > 0;
        var hasA = _scale.ActivationDims.Count > 0;
        // Rays that move nothing in this space collapse onto others: keep the distinct effective directions.
        _rays = rays.Select(r => (W: hasW ? r[0] : 0, A: hasA ? r[1] : 0))
                    .Where(r => r.W > 0 || r.A > 0).Distinct()
                    .Select(r => new Ray(r.W, r.A)).ToArray();
        // Fit the budget: the probes plus the final choice must not exceed it (fewer rays for tiny budgets).
        if (Context.TrialBudget is { } budget && budget - 1 < _rays.Length) _rays = _rays[..Math.Max(1, budget - 1)];
        var defaultDepth = Context.TrialBudget is { } b ? Math.Clamp((b - 1) / _rays.Length, 1, 10) : 6;
        _depth = s.Depth ?? defaultDepth;
    }

    protected override IReadOnlyList<BatchItem> PlanBatch()
    {
        var batch = new List<BatchItem>();
        for (var r = 0; r < _rays.Length; r++)
        {
            var ray = _rays[r];
            if (ray.Probes >= _depth) continue;
            var t = 0.5 * (ray.Low + ray.High);
            batch.Add(new BatchItem(_scale.AtGlobal(t * ray.Weight, t * ray.Activation), $"uniform:ray{r}", new Probe(r, t)));
        }
        if (batch.Count > 0 || _choiceAsked) return batch;
        _choiceAsked = true;
        var choice = _feasible.OrderByDescending(f => f.Sparsity).ThenBy(f => f.W + f.A).FirstOrDefault();
        return [new BatchItem(_scale.AtGlobal(choice.W, choice.A), ChoiceOrigin)];
    }

    protected override void OnTold(TrialOutcome outcome, ParameterSet? asked)
    {
        if (TagOf(outcome.Number) is not Probe probe) return;
        if (outcome.State == TrialState.Abandoned) return; // lost, not answered: the next step probes it again
        var ray = _rays[probe.Ray];
        ray.Probes++;
        var w = probe.Scale * ray.Weight;
        var a = probe.Scale * ray.Activation;
        if (_guard.IsFeasible(outcome))
        {
            ray.Low = Math.Max(ray.Low, probe.Scale);
            _feasible.Add((Sparsity(outcome, w, a), w, a));
        }
        else ray.High = Math.Min(ray.High, probe.Scale);
    }

    /// <summary>The sparsity metric of the outcome, or the mean threshold fraction when the engine does not report it.</summary>
    private double Sparsity(TrialOutcome o, double w, double a)
    {
        if (o.Metrics is not null && o.Metrics.TryGetValue(_metric, out var v) && double.IsFinite(v)) return v;
        var groups = (_scale.WeightDims.Count > 0 ? 1 : 0) + (_scale.ActivationDims.Count > 0 ? 1 : 0);
        return (w + a) / groups;
    }
}
