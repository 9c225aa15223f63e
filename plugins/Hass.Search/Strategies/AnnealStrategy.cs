using Hass.Abstractions;
using Hass.Search.Core;

namespace Hass.Search.Strategies;

/// <summary>
/// Simulated annealing in the unit cube. It starts from the best told point (e.g. an enqueued warm start) or
/// else from the space's defaults (unpruned), proposes batchSize Gaussian neighbours per step (a few
/// coordinates each, step size shrinking over the budget), and moves to the best of them by the Metropolis
/// rule on the relative loss change at a geometrically cooling temperature. Feasibility is respected: an
/// infeasible neighbour never replaces a feasible state; while infeasible, the violation is annealed instead.
/// </summary>
public sealed class AnnealStrategy() : BatchStrategy("anneal")
{
    private int _batchSize;
    private double _t0, _tEnd, _step0, _stepEnd, _mutationProbability;
    private int _schedule;
    private bool _randomStart;
    private Scored? _current;
    private Scored? _best;
    private bool _startAsked;
    private readonly List<Scored> _pending = [];

    public Scored? Best => _best;

    protected override void Configure()
    {
        var s = ReadSettings<AnnealSettings>();
        _batchSize = s.BatchSize;
        _t0 = s.InitialTemperature;
        _tEnd = s.FinalTemperature;
        _step0 = s.InitialStep;
        _stepEnd = s.FinalStep;
        _mutationProbability = s.MutationProbability ?? Math.Min(1, 3.0 / Codec.Count);
        _schedule = s.ScheduleTrials ?? Context.TrialBudget ?? 100;
        _randomStart = s.Start == StartPoint.Random;
    }

    protected override IReadOnlyList<BatchItem> PlanBatch()
    {
        if (_current is null)
        {
            var told = History.Select(o => Scored.From(o, Codec, Directions)).OfType<Scored>().ToList();
            told.Sort(Scored.CompareSingle);
            if (told.Count > 0) _current = _best = told[0];
            else if (_startAsked) return []; // the start point failed and nothing else is known
            else
            {
                _startAsked = true;
                var start = _randomStart ? Codec.SampleUniform(Rng.For(Seed, -1, 0)) : Codec.Defaults();
                return [new BatchItem(start, "anneal:start")];
            }
        }
        else Accept();

        var progress = Math.Min(1.0, (double)History.Count / _schedule);
        var sigma = _step0 * Math.Pow(_stepEnd / _step0, progress);
        var batch = new List<BatchItem>(_batchSize);
        for (var i = 0; i < _batchSize; i++)
        {
            var rng = Rng.For(Seed, BatchIndex, i);
            var u = (double[])_current!.Unit.Clone();
            var forced = rng.NextInt(u.Length);
            for (var d = 0; d < u.Length; d++)
            {
                if (d != forced && rng.NextDouble() >= _mutationProbability) continue;
                var dim = Codec.Dimensions[d];
                u[d] = dim.Kind == DimensionKind.Categorical
                    ? UnitMoves.OtherChoice(u[d], dim.Choices.Count, rng)
                    : UnitMoves.Reflect(u[d] + sigma * rng.NextNormal());
            }
            batch.Add(new BatchItem(Codec.FromUnit(u), $"anneal:step{BatchIndex}", true));
        }
        return batch;
    }

    protected override void OnTold(TrialOutcome outcome, ParameterSet? asked)
    {
        if (TagOf(outcome.Number) is true && Scored.From(outcome, Codec, Directions) is { } s) _pending.Add(s);
    }

    /// <summary>Metropolis step from the current state to the best neighbour of the finished batch.</summary>
    private void Accept()
    {
        if (_pending.Count == 0) return;
        _pending.Sort(Scored.CompareSingle);
        var candidate = _pending[0];
        _pending.Clear();
        if (_best is null || Scored.CompareSingle(candidate, _best) < 0) _best = candidate;
        var current = _current!;
        if (current.Feasible && !candidate.Feasible) return;
        double delta;
        if (candidate.Feasible && !current.Feasible) delta = -1;
        else if (candidate.Feasible) delta = (candidate.Losses![0] - current.Losses![0]) / Math.Max(Math.Abs(current.Losses[0]), 1e-12);
        else if (double.IsPositiveInfinity(candidate.Violation)) delta = double.PositiveInfinity;
        else if (double.IsPositiveInfinity(current.Violation)) delta = -1;
        else delta = (candidate.Violation - current.Violation) / Math.Max(current.Violation, 1e-12);
        var progress = Math.Min(1.0, (double)History.Count / _schedule);
        var temperature = _t0 * Math.Pow(_tEnd / _t0, progress);
        if (delta <= 0 || Rng.For(Seed, BatchIndex, -1).NextDouble() < Math.Exp(-delta / temperature))
            _current = candidate;
    }
}
