using Hass.Abstractions;
using Hass.Search.Core;

namespace Hass.Search.Strategies;

/// <summary>A told point in unit-cube coordinates with its losses (null: no usable values) and violation.</summary>
public sealed record Scored(int Number, double[] Unit, double[]? Losses, double Violation)
{
    public bool Feasible => Violation <= 0 && Losses is not null;

    /// <summary>From an outcome; null for failed/abandoned trials or trials outside the space.</summary>
    public static Scored? From(TrialOutcome o, SpaceCodec codec, IReadOnlyList<ObjectiveDirection> directions)
    {
        if (o.State is not (TrialState.Complete or TrialState.Pruned) || !codec.IsComplete(o.Parameters)) return null;
        var losses = o.State == TrialState.Complete ? Ranking.Losses(o, directions) : null;
        var violation = Ranking.Violation(o);
        if (losses is null && violation <= 0) violation = double.PositiveInfinity; // pruned or valueless: worst of all
        return new Scored(o.Number, codec.ToUnit(o.Parameters), losses, violation);
    }

    /// <summary>Constrained order for one objective: feasible by loss, then infeasible by violation, then number.</summary>
    public static int CompareSingle(Scored a, Scored b)
    {
        if (a.Feasible != b.Feasible) return a.Feasible ? -1 : 1;
        var c = a.Feasible ? a.Losses![0].CompareTo(b.Losses![0]) : a.Violation.CompareTo(b.Violation);
        return c != 0 ? c : a.Number.CompareTo(b.Number);
    }
}

/// <summary>Moves in the unit cube shared by anneal and nsga2.</summary>
public static class UnitMoves
{
    /// <summary>Reflects into [0, 1].</summary>
    public static double Reflect(double u)
    {
        for (var i = 0; i < 4 && (u < 0 || u > 1); i++) u = u < 0 ? -u : 2 - u;
        return Math.Clamp(u, 0, 1);
    }

    /// <summary>A categorical's unit coordinate moved to a different choice, uniformly.</summary>
    public static double OtherChoice(double u, int choices, Rng rng)
    {
        if (choices <= 1) return u;
        var current = Math.Min((int)(u * choices), choices - 1);
        var next = rng.NextInt(choices - 1);
        if (next >= current) next++;
        return (next + 0.5) / choices;
    }
}
