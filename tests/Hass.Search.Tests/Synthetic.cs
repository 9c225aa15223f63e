using Hass.Abstractions;
using Hass.Search.Core;

namespace Hass.Search.Tests;

/// <summary>
/// A HASS-like synthetic problem: per layer a weight threshold "w:l{i}" and an activation threshold "a:l{i}"
/// (fractions in [0, 1]). Each layer's accuracy cost grows convexly with its thresholds at its own
/// sensitivity; throughput is set by the slowest layer of the pipeline (dataflow bottleneck): layer i's
/// cycles = work_i × (1 − weight sparsity) × (1 − activation sparsity). Maximise throughput subject to
/// accuracy drop ≤ tolerance. Hardware-aware searches can prune the bottleneck layers hardest.
/// With <c>balanced</c>, throughput instead models a DSE that re-balances parallelism across the pipeline
/// under a fixed DSP budget: 1 / Σ work_i × density_i (pruning pays off in proportion to each layer's work).
/// </summary>
public sealed class HassLikeProblem
{
    public int Layers { get; }
    public bool Activations { get; }
    public double Tolerance { get; }
    public SearchSpace Space { get; }
    private readonly double[] _work;
    private readonly double[] _weightSensitivity;
    private readonly double[] _activationSensitivity;

    public bool Balanced { get; }
    /// <summary>When set, every outcome also carries a smoothed drop of this share of its drop (which adds up over the layers, as the real one does).</summary>
    public double? SmoothedShare { get; }

    public HassLikeProblem(int layers, bool activations = true, double tolerance = 1.0, int instance = 7, bool balanced = false, double? smoothedShare = null)
    {
        SmoothedShare = smoothedShare;
        Layers = layers;
        Balanced = balanced;
        Activations = activations;
        Tolerance = tolerance;
        var rng = Rng.For(instance, 12345);
        // Layers differ a lot, as in real CNNs: work (MACs) over ~15×, sensitivity to pruning over ~100×.
        _work = Enumerable.Range(0, layers).Select(_ => 0.1 * Math.Pow(15, rng.NextDouble())).ToArray();
        _weightSensitivity = Enumerable.Range(0, layers).Select(_ => 0.2 * Math.Pow(100, rng.NextDouble())).ToArray();
        _activationSensitivity = Enumerable.Range(0, layers).Select(_ => 0.2 * Math.Pow(100, rng.NextDouble())).ToArray();
        var dims = new List<SearchDimension>();
        for (var i = 0; i < layers; i++) dims.Add(new SearchDimension { Name = $"w:l{i}", Low = 0, High = 1 });
        if (activations)
            for (var i = 0; i < layers; i++) dims.Add(new SearchDimension { Name = $"a:l{i}", Low = 0, High = 1 });
        Space = new SearchSpace(dims);
    }

    public (double Throughput, double AccuracyDrop, double EffectiveSparsity) Evaluate(ParameterSet p)
    {
        double drop = 0, slowest = 0, total = 0, sparsity = 0;
        for (var i = 0; i < Layers; i++)
        {
            var w = p[$"w:l{i}"];
            var a = Activations ? p[$"a:l{i}"] : 0;
            var ws = 0.95 * Math.Sqrt(w);
            var @as = 0.9 * Math.Sqrt(a);
            drop += _weightSensitivity[i] * Math.Pow(w, 3) * 3 + _activationSensitivity[i] * Math.Pow(a, 3) * 3;
            var density = (1 - ws) * (1 - @as);
            slowest = Math.Max(slowest, _work[i] * density);
            total += _work[i] * density;
            sparsity += (1 - density) / Layers;
        }
        return (Balanced ? 1.0 / total : 1.0 / slowest, drop, sparsity);
    }

    /// <summary>The outcome the engine would tell for trial <paramref name="number"/> (single objective: throughput).</summary>
    public TrialOutcome Outcome(int number, ParameterSet p)
    {
        var (thr, drop, sparsity) = Evaluate(p);
        var metrics = new Dictionary<string, double>
        {
            ["throughput"] = thr, ["accuracyDrop"] = drop, ["accuracy"] = 90 - drop, ["effectiveSparsity"] = sparsity,
        };
        for (var i = 0; i < Layers; i++)
        {
            var density = Density(p, i);
            metrics[$"cycles:l{i}"] = _work[i] * density; // the engine's per-stage metrics (TrialOutcomes)
            metrics[$"sparsity:l{i}"] = 1 - density;
        }
        if (SmoothedShare is { } share) metrics[OutcomeMetrics.SmoothedDrop] = share * drop;
        return new TrialOutcome(number, p, TrialState.Complete, [thr], drop - Tolerance, metrics);
    }

    private double Density(ParameterSet p, int i) =>
        (1 - 0.95 * Math.Sqrt(p[$"w:l{i}"])) * (1 - 0.9 * Math.Sqrt(Activations ? p[$"a:l{i}"] : 0));

    /// <summary>The layer whose stage is slowest (unbalanced model).</summary>
    public string SlowestLayer(ParameterSet p) => $"l{Enumerable.Range(0, Layers).MaxBy(i => _work[i] * Density(p, i))}";

    /// <summary>Two objectives: maximise accuracy, maximise throughput (no constraint).</summary>
    public TrialOutcome TwoObjectiveOutcome(int number, ParameterSet p)
    {
        var (thr, drop, sparsity) = Evaluate(p);
        return new TrialOutcome(number, p, TrialState.Complete, [90 - drop, thr], 0, new Dictionary<string, double>
        {
            ["throughput"] = thr, ["accuracyDrop"] = drop, ["accuracy"] = 90 - drop, ["effectiveSparsity"] = sparsity,
        });
    }
}

/// <summary>Runs a strategy against an objective the way the engine's runner does.</summary>
public static class Driver
{
    public sealed record Step(TrialSuggestion Suggestion, TrialOutcome Outcome);

    public static ISearchStrategy Create(string name, SearchSpace space, int seed, int? budget = null, string settings = "{}", int objectives = 1)
    {
        var s = SearchPlugin.Factory(name).Create();
        s.Initialize(Context(space, seed, budget, settings, objectives));
        return s;
    }

    public static StrategyContext Context(SearchSpace space, int seed, int? budget = null, string settings = "{}", int objectives = 1) => new()
    {
        Space = space,
        Seed = seed,
        Directions = Enumerable.Repeat(ObjectiveDirection.Maximize, objectives).ToList(),
        TrialBudget = budget,
        Settings = System.Text.Json.JsonDocument.Parse(settings).RootElement.Clone(),
    };

    /// <summary>
    /// Asks while CanAsk (at most <paramref name="parallel"/> in flight, <paramref name="budget"/> in all) and
    /// tells finished trials oldest-first (or newest-first when <paramref name="reverseTells"/>); stops at the
    /// budget or when the strategy has finished.
    /// </summary>
    public static List<Step> Run(ISearchStrategy strategy, Func<int, ParameterSet, TrialOutcome> objective, int budget, int parallel = 1, bool reverseTells = false)
    {
        var steps = new List<Step>();
        var inFlight = new List<TrialSuggestion>();
        var asked = 0;
        while (true)
        {
            while (asked < budget && inFlight.Count < parallel && strategy.CanAsk)
            {
                inFlight.Add(strategy.Ask());
                asked++;
            }
            if (inFlight.Count == 0) break;
            var next = reverseTells ? inFlight[^1] : inFlight[0];
            inFlight.Remove(next);
            var outcome = objective(next.Number, next.Parameters);
            strategy.Tell(outcome);
            steps.Add(new Step(next, outcome));
        }
        return steps;
    }

    /// <summary>
    /// The points the sensitivity strategy's local search asked in a run with <paramref name="settings"/> at seed 3, two trials in flight
    /// (quantised keys, in ask order): what its determinism tests compare between two runs.
    /// </summary>
    public static List<string> LocalMovesInFlight(SearchSpace space, string settings, Func<int, ParameterSet, TrialOutcome> objective, int budget) =>
        Run(Create("sensitivity", space, 3, budget, settings), objective, budget, parallel: 2)
            .Where(s => s.Suggestion.Origin == Hass.Search.Sensitivity.BottleneckSearch.Origin).Points();

    /// <summary>The asked points of <paramref name="steps"/>, in ask order, as quantised keys: what tests compare between two runs.</summary>
    public static List<string> Points(this IEnumerable<Step> steps) => steps.Select(s => s.Suggestion.Parameters.QuantisedKey(9)).ToList();

    /// <summary>Best feasible first objective (larger is better), or 0 when nothing was feasible.</summary>
    public static double BestFeasible(IEnumerable<Step> steps) =>
        steps.Where(s => s.Outcome.State == TrialState.Complete && s.Outcome.ConstraintViolation <= 0)
             .Select(s => s.Outcome.Values[0]).DefaultIfEmpty(0).Max();
}
