using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hass.Abstractions;

[JsonConverter(typeof(JsonStringEnumConverter<DimensionKind>))]
public enum DimensionKind { Float, Int, Categorical }

/// <summary>
/// One search variable. Float/Int use [Low, High] (Log: sampled log-uniformly, Low &gt; 0);
/// Categorical uses Choices and its value is the choice index.
/// </summary>
public sealed record SearchDimension
{
    public required string Name { get; init; }
    public DimensionKind Kind { get; init; } = DimensionKind.Float;
    public double Low { get; init; }
    public double High { get; init; } = 1;
    public bool Log { get; init; }
    public IReadOnlyList<string> Choices { get; init; } = [];
    /// <summary>Value that leaves the model unchanged (0 for thresholds); used for the all-zero warm start.</summary>
    public double Default { get; init; }
    public string Description { get; init; } = "";

    public bool Contains(double value) => Kind switch
    {
        DimensionKind.Categorical => value >= 0 && value < Choices.Count && value == Math.Floor(value),
        DimensionKind.Int => value >= Low && value <= High && value == Math.Floor(value),
        _ => value >= Low && value <= High,
    };
}

public sealed record SearchSpace(IReadOnlyList<SearchDimension> Dimensions)
{
    public SearchDimension this[string name] => Dimensions.First(d => d.Name == name);
    public ParameterSet Defaults() => new(Dimensions.ToDictionary(d => d.Name, d => d.Default));
    public bool Contains(ParameterSet p) => Outside(p) is null;

    /// <summary>The first dimension <paramref name="point"/> misses or has out of range, described; null when it is in the space.</summary>
    public string? Outside(ParameterSet point)
    {
        foreach (var d in Dimensions)
        {
            if (!point.Values.TryGetValue(d.Name, out var v)) return $"'{d.Name}' is missing";
            if (d.Contains(v)) continue;
            var range = d.Kind == DimensionKind.Categorical ? $"a choice index 0..{d.Choices.Count - 1}" : $"{d.Kind.ToString().ToLowerInvariant()} in [{d.Low.ToString(CultureInfo.InvariantCulture)}, {d.High.ToString(CultureInfo.InvariantCulture)}]";
            return $"'{d.Name}' = {v.ToString("G6", CultureInfo.InvariantCulture)}, not {range}";
        }
        return null;
    }
    public string ContentHash() => Hashing.Sha256Hex(HassJson.Serialize(this));
}

/// <summary>A point of a search space: dimension name → value (categoricals: choice index).</summary>
public sealed record ParameterSet(IReadOnlyDictionary<string, double> Values)
{
    public double this[string name] => Values[name];

    /// <summary>Key for caches: values rounded to <paramref name="digits"/> significant digits, sorted by name.</summary>
    public string QuantisedKey(int digits = 6) => string.Join(";",
        Values.OrderBy(kv => kv.Key, StringComparer.Ordinal)
              .Select(kv => kv.Key + "=" + kv.Value.ToString("G" + digits, System.Globalization.CultureInfo.InvariantCulture)));

    public bool Equals(ParameterSet? other) => other is not null && QuantisedKey(17) == other.QuantisedKey(17);
    public override int GetHashCode() => QuantisedKey(17).GetHashCode();
}

[JsonConverter(typeof(JsonStringEnumConverter<TrialState>))]
public enum TrialState { Running, Complete, Pruned, Failed, Abandoned }

/// <summary>Where a number came from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Fidelity>))]
public enum Fidelity { Analytical, Calibrated, Emulated, OnBoard }

[JsonConverter(typeof(JsonStringEnumConverter<ObjectiveDirection>))]
public enum ObjectiveDirection { Maximize, Minimize }

/// <summary>A strategy's proposal.</summary>
public sealed record TrialSuggestion(int Number, ParameterSet Parameters, string Origin = "");

/// <summary>Keys of <see cref="TrialOutcome.Metrics"/> (docs/search.md, "What a strategy reads from an outcome").</summary>
public static class OutcomeMetrics
{
    /// <summary>
    /// Top-1 drop on the confirmation split (points), present only on trials the engine confirmed (final.confirmIncumbents):
    /// held-out images the search never saw, so unlike accuracyDrop it carries no selection bias.
    /// </summary>
    public const string ConfirmationDrop = "confirmationDrop";
    /// <summary>The confirmation drop a confirmed trial may have (tolerance − final.confirmMargin); above it the trial is told infeasible.</summary>
    public const string ConfirmationLimit = "confirmationLimit";
    /// <summary>
    /// The unpruned network's smoothed top-1 minus the trial's on the search split (points; <see cref="TrialRecord.SmoothedDrop"/>), present
    /// when the evaluator computes it. It follows the sum of the thresholds' smoothed drops, each measured alone, closely.
    /// </summary>
    public const string SmoothedDrop = "smoothedDrop";

    /// <summary>Prefix of a design layer's cycles per image (its stage interval: the largest is the bottleneck).</summary>
    public const string CyclesPrefix = "cycles:";
    /// <summary>Prefix of a design layer's floor: its cycles at its folding whatever its zeros (<see cref="LayerDesign.FloorCycles"/>), when the backend gives it.</summary>
    public const string FloorPrefix = "floor:";
    /// <summary>Prefix of a profiled layer's effective sparsity (share of zero products).</summary>
    public const string SparsityPrefix = "sparsity:";
    /// <summary>
    /// Prefix of a design layer's use of the resource that binds the design (of DSPs and LUTs, the one the whole design uses the larger
    /// share of), as a share of the board's: the layers that hold most of it free the most for the others when sparsified. Present when
    /// the engine knows the board.
    /// </summary>
    public const string ResourcePrefix = "resource:";
}

/// <summary>
/// What a strategy is told about a finished trial. Values are in the objective's own direction
/// (see <see cref="StrategyContext.Directions"/>). ConstraintViolation ≤ 0 means feasible; positive values
/// order infeasible trials (e.g. accuracy drop beyond the tolerance, in points).
/// </summary>
public sealed record TrialOutcome(
    int Number,
    ParameterSet Parameters,
    TrialState State,
    IReadOnlyList<double> Values,
    double ConstraintViolation = 0,
    /// <summary>Optional secondary metrics (accuracy, throughput...) some strategies use.</summary>
    IReadOnlyDictionary<string, double>? Metrics = null);

/// <summary>Everything a strategy is built from; a resumed campaign builds it identically.</summary>
public sealed record StrategyContext
{
    public required SearchSpace Space { get; init; }
    public required int Seed { get; init; }
    public required IReadOnlyList<ObjectiveDirection> Directions { get; init; }
    /// <summary>Trial budget, when known (some strategies plan with it).</summary>
    public int? TrialBudget { get; init; }
    /// <summary>The strategy's own settings from the campaign file (may be an empty object).</summary>
    public JsonElement Settings { get; init; }
}

/// <summary>
/// An ask/tell search strategy. Contract (checked by the conformance kit): Ask depends only on the seed,
/// the settings and the outcomes told so far. Several Asks without Tell are allowed (trials in flight), and
/// outcomes may be told in any order. Resume is Tell only: the engine tells a fresh instance the stored
/// outcomes in trial order under the numbers it asked them with, and a Tell of a number not asked yet first
/// asks up to that number itself (numbers skipped by the stored trials were lost in flight: abandoned).
/// The engine never re-asks stored trials, so this is the one place a strategy's state is rebuilt.
/// </summary>
public interface ISearchStrategy
{
    void Initialize(StrategyContext context);
    TrialSuggestion Ask();
    void Tell(TrialOutcome outcome);
    /// <summary>False when the strategy has nothing more to propose (e.g. greedy converged).</summary>
    bool CanAsk => true;
    /// <summary>Queue a point to be asked before any sampled one (warm starts).</summary>
    void Enqueue(ParameterSet parameters, string origin);
}

/// <summary>Creates strategies; registered as a keyed component of kind Search.</summary>
public interface ISearchStrategyFactory : IHassComponent
{
    ISearchStrategy Create();
    /// <summary>True for strategies that can also optimise several objectives (a Pareto set); every strategy handles one.</summary>
    bool MultiObjective => false;
    /// <summary>
    /// True for the non-hardware-aware baseline the final phase compares against (one global weight and one global
    /// activation threshold, chosen for accuracy only); the engine runs the first loaded strategy that says so.
    /// </summary>
    bool UniformBaseline => false;
}
