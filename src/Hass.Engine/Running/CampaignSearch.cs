using System.Diagnostics;
using Hass.Abstractions;
using Hass.Engine.Boards;
using Hass.Engine.Campaigns;
using Hass.Engine.Plugins;
using Hass.Engine.Running.Pipeline;
using Hass.Engine.Storage;

namespace Hass.Engine.Running;

/// <summary>
/// The search phase of one campaign: opens (or resumes) it in the store, evaluates the baseline, rebuilds the
/// strategy through the <see cref="Study"/>, and runs trials through <see cref="TrialPipeline"/>s, up to
/// <see cref="CampaignSpec.Parallelism"/> at once, until a budget, the strategy, failures or cancellation stop it.
/// With <paramref name="remote"/> (a distributed campaign) the network stages of each trial run on a worker and this
/// process loads one evaluator only (for the baseline and the fingerprint the workers must match).
/// </summary>
public sealed class CampaignSearch(CampaignSpec spec, string source, HassStore store, HassComponents components, BoardLibrary boards,
    ICampaignObserver? observer = null, IDesignMeasurer? measurer = null, IRemoteTrialStages? remote = null)
{
    private readonly ICampaignObserver _observer = observer ?? NullCampaignObserver.Instance;
    private readonly Objective _objective = new(spec.Objective);

    public async Task<CampaignResult> RunAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        CampaignLoader.Validate(spec, source, components, boards, measurer);
        var session = Stopwatch.StartNew();
        var board = boards.Get(spec.Board);
        var evaluatorFactory = components.EvaluatorFor(spec.Model, spec.Evaluator);
        var opening = new CampaignOpening(spec, source, store, _objective, _observer, DesignerIdentity.Of(components.Backend(spec.Backend.Name), board));
        var existing = opening.Existing();

        _observer.Info($"evaluator '{evaluatorFactory.Name}': loading model '{spec.Model}'");
        var evaluators = new List<ITrialEvaluator> { evaluatorFactory.Create(spec.ToEvaluatorSpec(), new Progress<string>(_observer.Info)) };
        try
        {
            // Initialised before the campaign is stored: settings it refuses must not leave a campaign behind.
            var strategy = InitializeStrategy(evaluators[0].SearchSpace);
            var campaign = opening.WithBaseline(opening.Open(existing, evaluators[0]), evaluators[0], cancellationToken);
            var study = new Study(spec.Name, strategy, new LiteDbTrialStore(store), new TrialOutcomes(_objective, board).OutcomeOf);
            foreach (var number in study.Resume(campaign.WarmStarts, campaign.SessionStarts))
                _observer.Warning($"trial {number} was in flight when the campaign stopped: marked abandoned, it will be re-asked");
            if (study.Trials.Count > 0) _observer.Info($"resuming campaign '{spec.Name}': {study.Counted} trials in the store");
            campaign = campaign with
            {
                Status = CampaignStatus.Running, Message = null,
                SessionStarts = campaign.SessionStarts.Contains(study.NextNumber) ? campaign.SessionStarts : [.. campaign.SessionStarts, study.NextNumber],
            };
            store.SaveCampaign(campaign);
            if (spec.Parallelism > 1 && remote is null) _observer.Info($"{spec.Parallelism} trials in parallel: loading {spec.Parallelism - 1} more evaluator instance(s)");
            for (int i = 1; i < spec.Parallelism && remote is null; i++) evaluators.Add(evaluatorFactory.Create(spec.ToEvaluatorSpec()));
            return await SearchAsync(campaign, study, board, evaluators, session, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var e in evaluators) e.Dispose();
        }
    }

    private async Task<CampaignResult> SearchAsync(CampaignDocument campaign, Study study, BoardSpec board, IReadOnlyList<ITrialEvaluator> evaluators,
        Stopwatch session, CancellationToken cancellationToken)
    {
        var priorElapsed = TimeSpan.FromSeconds(campaign.ElapsedSeconds);
        using var measuredBoard = measurer is not null && spec.Measure is { } m ? new MeasuredBoard(measurer, m.Link, board) : null;
        var confirmation = IncumbentConfirmation.For(spec, _objective, store, evaluators[0], _observer.Warning, cancellationToken);
        if (confirmation is not null)
            _observer.Info($"confirmed incumbents: a trial that beats the best confirmed one by {spec.Final.ConfirmGain}% is re-scored on the first " +
                           $"{confirmation.PartImages} images of the confirmation split (dense top-1 {confirmation.DenseTop1:F2}%) and must lose at most {confirmation.Limit:F2} points there");
        var secondLook = SecondLook.For(spec, _objective, store, evaluators[0], _observer.Warning, cancellationToken);
        if (secondLook is not null)
            _observer.Info($"second look: a trial whose search-split drop lies within {secondLook.Band:F2} points of the tolerance is scored again on " +
                           $"{secondLook.Images} more images of the confirmation split (dense top-1 {secondLook.DenseTop1:F2}%) and judged by the pooled drop");
        var factory = new TrialPipelineFactory(spec, store, board, components.Backend(spec.Backend.Name), _objective, measuredBoard, _observer, confirmation, secondLook);
        var remoteStage = remote?.Open(spec, evaluators[0]);
        var pipelines = remoteStage is null
            ? evaluators.Select(e => factory.Create(e, ownsEvaluator: false)).ToList()
            : Enumerable.Range(0, spec.Parallelism).Select(_ => factory.Create(evaluators[0], ownsEvaluator: false, remoteStage)).ToList();
        var progress = new SearchProgress(spec, _objective);
        TrialScheduler? scheduler = null;
        CampaignProgress Progress() => progress.Make(study, priorElapsed + session.Elapsed, scheduler!.RunThisSession, session.Elapsed);
        scheduler = new TrialScheduler(spec, study, factory.Request(campaign.BaselineTop1!.Value, campaign.BaselineSoftTop1), _observer, () => priorElapsed + session.Elapsed,
            Progress, CheckedBackend.WhoIs(components.Backend(spec.Backend.Name)));

        (CampaignStatus Status, string Message) ended;
        try
        {
            ended = await scheduler.RunAsync(pipelines, record =>
            {
                campaign = campaign with { ElapsedSeconds = (priorElapsed + session.Elapsed).TotalSeconds };
                store.SaveCampaign(campaign);
                if (record.State != TrialState.Abandoned) _observer.TrialFinished(record, Progress());
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (PluginFaultException e) // the strategy broke: the campaign says so until it is run again
        {
            store.SaveCampaign(campaign with { Status = CampaignStatus.Failed, Message = e.Message, ElapsedSeconds = (priorElapsed + session.Elapsed).TotalSeconds });
            throw;
        }
        var (status, message) = ended;

        campaign = campaign with { Status = status, Message = message, ElapsedSeconds = (priorElapsed + session.Elapsed).TotalSeconds };
        store.SaveCampaign(campaign);
        return new CampaignResult
        {
            Status = status, Campaign = spec.Name, Message = message, TrialsRun = scheduler.RunThisSession, TrialsTotal = study.Counted,
            Resumed = campaign.Resumes, Best = _objective.Best(study.Trials),
            MeasurementFailures = measuredBoard?.Failures ?? 0, MeasurementError = measuredBoard?.LastError,
        };
    }

    private ISearchStrategy InitializeStrategy(SearchSpace space)
    {
        var strategy = components.Strategy(spec.Strategy.Name).Create();
        try
        {
            strategy.Initialize(new StrategyContext
            {
                Space = space, Seed = spec.Seed, Directions = _objective.Directions, TrialBudget = spec.Budget.Trials, Settings = spec.Strategy.Settings,
            });
        }
        catch (ArgumentException e)
        {
            throw new CampaignException(source, [$"strategy: {e.Message}"]);
        }
        return strategy;
    }
}

/// <summary>Where a search is, for the observer: done of the budget, best feasible so far, ETA from this session's pace.</summary>
internal sealed class SearchProgress(CampaignSpec spec, Objective objective)
{
    public CampaignProgress Make(Study study, TimeSpan elapsed, int runThisSession, TimeSpan sessionElapsed)
    {
        var trials = study.Trials;
        var best = objective.Best(trials);
        TimeSpan? eta = null;
        if (runThisSession > 0)
        {
            var perTrial = sessionElapsed / runThisSession;
            if (spec.Budget.Trials is { } b) eta = perTrial * Math.Max(0, b - study.Counted);
            if (spec.Budget.WallTime is { } w && (eta is null || w - elapsed < eta)) eta = w - elapsed < TimeSpan.Zero ? TimeSpan.Zero : w - elapsed;
        }
        return new CampaignProgress
        {
            Campaign = spec.Name, Done = study.Counted, Budget = spec.Budget.Trials, Elapsed = elapsed, WallTime = spec.Budget.WallTime,
            Best = best, BestLabel = best is null ? "none feasible yet" : Describe(best), Eta = eta,
            EvaluationCacheHits = trials.Count(t => t.EvaluationCacheHit), DesignCacheHits = trials.Count(t => t.DesignCacheHit),
        };
    }

    public static string Describe(TrialRecord t) =>
        $"#{t.Number} {Objective.Throughput(t):F1} img/s, top-1 {t.Accuracy:F2}% ({t.ThroughputFidelity.ToString().ToLowerInvariant()})";
}
