using Hass.Abstractions;
using Hass.Search.Core;

namespace Hass.Search.Strategies;

/// <summary>
/// HASS-greedy (the authors' public stepwise driver with its bugs fixed). From the
/// unpruned base it evaluates one batch of candidate steps at a time — global mode: all weight thresholds
/// one step up, or all activation thresholds one step up; per-layer mode: one candidate per threshold
/// dimension — and moves to the feasible candidate with the least accuracy lost per unit of objective gained.
/// A gain ≤ 0 scores +∞; when no feasible candidate has a finite score the search stops, and the current
/// state (the last feasible one) is its result. Steps are fractions of each dimension's range.
/// </summary>
public sealed class GreedyStrategy() : BatchStrategy("greedy")
{
    private ThresholdScale _scale = null!;
    private AccuracyGuard _guard = null!;
    private bool _perLayer;
    private double _weightStep, _activationStep;
    private int _maxSteps;

    private double[] _fractions = [];   // current state: fraction per dimension (threshold dimensions only)
    private double _accuracy, _value;    // current accuracy and objective (larger is better)
    private bool _haveBase;
    private int _steps;
    private readonly List<(Candidate Candidate, TrialOutcome Outcome)> _results = [];

    private sealed record BaseProbe;
    private sealed record Candidate(double[] Fractions, string Move);

    /// <summary>The thresholds of the current (last feasible) state; empty before the base is known.</summary>
    public ParameterSet? CurrentState => _haveBase ? _scale.At(d => _fractions[d]) : null;
    public int StepsTaken => _steps;

    protected override void Configure()
    {
        _scale = new ThresholdScale(Codec);
        _scale.RequireThresholds(Name);
        var s = ReadSettings<GreedySettings>();
        _guard = new AccuracyGuard(s.Tolerance);
        _perLayer = s.Mode == GreedyMode.PerLayer;
        _weightStep = s.WeightStep;
        _activationStep = s.ActivationStep;
        _maxSteps = s.MaxSteps;
        _fractions = new double[Codec.Count];
    }

    protected override IReadOnlyList<BatchItem> PlanBatch()
    {
        if (!_haveBase)
        {
            var basePoint = _scale.At(_ => 0);
            if (BaseFrom(History.LastOrDefault(o => o.Parameters.Equals(basePoint) && o.State == TrialState.Complete)))
                return NextCandidates();
            if (BatchIndex > 0) return []; // the base was asked and did not give a usable outcome: nothing to start from
            return [new BatchItem(basePoint, "greedy:base", new BaseProbe())];
        }
        if (_results.Count > 0)
        {
            var accepted = Choose();
            _results.Clear();
            if (accepted is null) return [];
            _fractions = accepted.Value.Candidate.Fractions;
            _accuracy = AccuracyGuard.Accuracy(accepted.Value.Outcome);
            _value = ValueOf(accepted.Value.Outcome)!.Value;
            _steps++;
        }
        return NextCandidates();
    }

    private bool BaseFrom(TrialOutcome? o)
    {
        if (o is null || ValueOf(o) is not { } value || !_guard.IsFeasible(o)) return false;
        _accuracy = AccuracyGuard.Accuracy(o);
        _value = value;
        _haveBase = true;
        return true;
    }

    private IReadOnlyList<BatchItem> NextCandidates()
    {
        if (_steps >= _maxSteps) return [];
        var candidates = new List<Candidate>();
        if (_perLayer)
        {
            foreach (var d in _scale.ThresholdDims)
                if (Step(d) is { } c) candidates.Add(new Candidate(c, Codec.Dimensions[d].Name));
        }
        else
        {
            if (StepGroup(_scale.WeightDims, _weightStep) is { } w) candidates.Add(new Candidate(w, "w:*"));
            if (StepGroup(_scale.ActivationDims, _activationStep) is { } a) candidates.Add(new Candidate(a, "a:*"));
        }
        return candidates.Select(c => new BatchItem(_scale.At(d => c.Fractions[d]), $"greedy:step{_steps + 1}:{c.Move}", c)).ToList();
    }

    private double[]? Step(int d)
    {
        if (_fractions[d] >= 1) return null;
        var next = (double[])_fractions.Clone();
        next[d] = Math.Min(1, next[d] + (Codec.GroupOf(d) == ThresholdGroup.Weight ? _weightStep : _activationStep));
        return next;
    }

    private double[]? StepGroup(IReadOnlyList<int> dims, double step)
    {
        if (dims.Count == 0 || dims.All(d => _fractions[d] >= 1)) return null;
        var next = (double[])_fractions.Clone();
        foreach (var d in dims) next[d] = Math.Min(1, next[d] + step);
        return next;
    }

    protected override void OnTold(TrialOutcome outcome, ParameterSet? asked)
    {
        switch (TagOf(outcome.Number))
        {
            case BaseProbe: BaseFrom(outcome); break;
            case Candidate c: _results.Add((c, outcome)); break;
        }
    }

    /// <summary>The feasible candidate with the least accuracy lost per unit of objective gained (gain ≤ 0: +∞).</summary>
    private (Candidate Candidate, TrialOutcome Outcome)? Choose()
    {
        (Candidate, TrialOutcome)? best = null;
        var bestScore = double.PositiveInfinity;
        foreach (var (candidate, outcome) in _results)
        {
            if (!_guard.IsFeasible(outcome) || ValueOf(outcome) is not { } value) continue;
            var gain = value - _value;
            if (!(gain > 0)) continue;
            var score = (_accuracy - AccuracyGuard.Accuracy(outcome)) / gain;
            if (score < bestScore) { bestScore = score; best = (candidate, outcome); }
        }
        return best;
    }

    /// <summary>The first objective, oriented so that larger is better; null when missing.</summary>
    private double? ValueOf(TrialOutcome o) => o.State == TrialState.Complete && Ranking.Losses(o, Directions) is { } l ? -l[0] : null;
}
