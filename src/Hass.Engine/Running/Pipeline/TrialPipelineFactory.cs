using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Storage;

namespace Hass.Engine.Running.Pipeline;

/// <summary>Builds a campaign's trial pipelines (one per evaluator instance) and what each trial starts from.</summary>
public sealed class TrialPipelineFactory(CampaignSpec spec, HassStore store, BoardSpec board, IAcceleratorBackend backend, Objective objective,
    MeasuredBoard? measuredBoard, ICampaignObserver observer, IncumbentConfirmation? confirmation = null, SecondLook? secondLook = null)
{
    private readonly Dictionary<ITrialEvaluator, object> _gates = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// evaluate → profile → (predict drop) → (second look) → design → calibrate → (measure) → score → (confirm), with the evaluation,
    /// design and measurement caches.
    /// <paramref name="remote"/> (a distributed campaign) replaces the evaluate stage: it runs evaluate, profile and
    /// design on a worker and leaves the evaluation and the design on the trial; the caches and later stages run here.
    /// </summary>
    public TrialPipeline Create(ITrialEvaluator evaluator, bool ownsEvaluator, ITrialStage? remote = null)
    {
        var design = new DesignStage(evaluator.Graph, board, backend, spec.TrialDesignOptions);
        var stages = new List<ITrialStage>
        {
            new CachedEvaluateStage(remote ?? new EvaluateStage(evaluator), store, evaluator),
            new ProfileStage(objective, spec.Model),
        };
        if (spec.Final.PredictSearchDrop) stages.Add(new PredictDropStage(objective));
        if (secondLook is not null) stages.Add(new SecondLookStage(evaluator, store, secondLook, confirmation, Gate(evaluator)));
        stages.Add(new CachedDesignStage(design, store));
        stages.Add(new CalibrateStage(store, evaluator.Graph, board, backend.Name));
        if (measuredBoard is not null && spec.Measure is { } measure)
        {
            var stored = new StoredMeasurementStage(new MeasureDesignStage(measuredBoard, measure, evaluator), store, measuredBoard, observer);
            stages.Add(new MeasureStage(stored, measure, measuredBoard, observer));
        }
        stages.Add(new ScoreStage(objective));
        if (confirmation is not null) stages.Add(new ConfirmStage(evaluator, store, confirmation, Gate(evaluator)));
        return new TrialPipeline(stages, ownsEvaluator ? evaluator : null);
    }

    private object Gate(ITrialEvaluator evaluator)
    {
        if (!_gates.TryGetValue(evaluator, out var gate)) _gates[evaluator] = gate = new object();
        return gate;
    }

    /// <summary>The search-split evaluation of a trial, with the campaign's early stop.</summary>
    public EvaluationRequest Request(double baselineTop1, double? baselineSoftTop1 = null) => new()
    {
        Split = "search", Profile = true, BaselineTop1 = baselineTop1, BaselineSoftTop1 = baselineSoftTop1 ?? double.NaN,
        EarlyStopDrop = spec.EarlyStop.Enabled ? spec.EarlyStop.DropFactor * objective.Tolerance : double.NaN,
    };

    /// <summary>The stage times of a finished trial (the evaluator's own figures when it evaluated; a cache hit has no profile time).</summary>
    public static TrialTimings Timings(TrialWork work, double askSeconds, double totalSeconds)
    {
        double Stage(string name) => work.StageSeconds.GetValueOrDefault(name);
        var eval = work.Evaluation;
        var evaluate = (work.EvaluationCacheHit || eval is null || eval.EvaluationTime <= TimeSpan.Zero ? Stage("evaluate") : eval.EvaluationTime.TotalSeconds)
                       + Stage("second-look");
        var profile = eval is null || (work.EvaluationCacheHit && !work.Finished) ? 0 : eval.ProfileTime.TotalSeconds;
        return new TrialTimings
        {
            Ask = askSeconds, Evaluate = evaluate, Profile = profile + Stage("profile"), Design = Stage("design"), Calibrate = Stage("calibrate"),
            Measure = Stage("measure"), Score = Stage("score"), Confirm = Stage("confirm"), Store = work.StoreSeconds, Total = totalSeconds + askSeconds,
        };
    }
}
