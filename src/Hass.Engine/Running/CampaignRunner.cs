using System.Diagnostics;
using Hass.Abstractions;
using Hass.Engine.Boards;
using Hass.Engine.Campaigns;
using Hass.Engine.Plugins;
using Hass.Engine.Storage;

namespace Hass.Engine.Running;

/// <summary>
/// The trial loop of one campaign: ask → evaluate → design → (measure) → objective → store → tell.
/// Resumes from the store (stored outcomes are replayed into a fresh strategy; nothing re-runs), keeps the
/// evaluation and design caches, warm-starts from earlier campaigns, and stops cleanly on cancellation.
/// </summary>
public sealed class CampaignRunner
{
    /// <summary>How many stored feasible points of earlier campaigns are queued as warm starts.</summary>
    public const int WarmStartCount = 5;

    private readonly CampaignSpec _spec;
    private readonly string _source;
    private readonly HassStore _store;
    private readonly HassComponents _components;
    private readonly BoardLibrary _boards;
    private readonly ICampaignObserver _observer;
    private readonly IDesignMeasurer? _measurer;
    private readonly Objective _objective;
    /// <summary>Seconds spent writing to the store during the current trial (in-flight record, cache entries).</summary>
    private double _storeSeconds;
    private int _measurementFailures;
    private string? _measurementError;

    public CampaignRunner(CampaignSpec spec, string source, HassStore store, HassComponents components, BoardLibrary boards,
        ICampaignObserver? observer = null, IDesignMeasurer? measurer = null)
    {
        _spec = spec;
        _source = source;
        _store = store;
        _components = components;
        _boards = boards;
        _observer = observer ?? NullCampaignObserver.Instance;
        _measurer = measurer;
        _objective = new Objective(spec.Objective);
    }

    private ISearchStrategy InitializeStrategy(ISearchStrategyFactory factory, SearchSpace space)
    {
        var strategy = factory.Create();
        try
        {
            strategy.Initialize(new StrategyContext
            {
                Space = space, Seed = _spec.Seed, Directions = _objective.Directions, TrialBudget = _spec.Budget.Trials,
                Settings = _spec.Strategy.Settings,
            });
        }
        catch (ArgumentException e)
        {
            throw new CampaignException(_source, [$"strategy: {e.Message}"]);
        }
        return strategy;
    }

    public async Task<CampaignResult> RunAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        CampaignLoader.Validate(_spec, _source, _components, _boards, _measurer is not null);
        var session = Stopwatch.StartNew();
        var board = _boards.Get(_spec.Board);
        var backend = _components.Backend(_spec.Backend.Name);
        var strategyFactory = _components.Strategy(_spec.Strategy.Name);
        var evaluatorFactory = _components.EvaluatorFor(_spec.Model, _spec.Evaluator);

        var campaign = _store.GetCampaign(_spec.Name);
        if (campaign is not null && campaign.IdentityJson != _spec.IdentityJson())
            throw new CampaignException(_source, [$"name: a campaign '{_spec.Name}' with different settings already exists in store {_store.Path}; " +
                $"give the campaign another name (or --name), or use another --store. Stored: {campaign.IdentityJson}"]);

        _observer.Info($"evaluator '{evaluatorFactory.Name}': loading model '{_spec.Model}'");
        using var evaluator = evaluatorFactory.Create(_spec.ToEvaluatorSpec(), new Progress<string>(_observer.Info));
        var space = evaluator.SearchSpace;
        // Initialised before the campaign is stored: settings it refuses must not leave a campaign behind.
        var strategy = InitializeStrategy(strategyFactory, space);

        if (campaign is null)
        {
            campaign = new CampaignDocument
            {
                Name = _spec.Name, Spec = _spec, Source = _source, IdentityJson = _spec.IdentityJson(), WarmStartKey = _spec.WarmStartKey(),
                EvaluatorFingerprint = evaluator.Fingerprint, GraphName = evaluator.Graph.Name,
                WarmStarts = _spec.WarmStart ? FindWarmStarts(space) : [],
            };
            _store.SaveCampaign(campaign);
            if (campaign.WarmStarts.Count > 0) _observer.Info($"warm start: {campaign.WarmStarts.Count} stored feasible points of earlier campaigns queued");
        }
        else
        {
            if (campaign.EvaluatorFingerprint is not null && campaign.EvaluatorFingerprint != evaluator.Fingerprint)
                throw new CampaignException(_source, [$"model: the model, data or criterion of campaign '{_spec.Name}' changed since it was started " +
                    $"(evaluator fingerprint {Short(campaign.EvaluatorFingerprint)} → {Short(evaluator.Fingerprint)}); start a new campaign (--name)"]);
            campaign = campaign with { Spec = _spec, Resumes = campaign.Resumes + 1 };
        }

        if (campaign.BaselineTop1 is null)
        {
            var baseline = EvaluateCached(evaluator, space.Defaults(), new EvaluationRequest { Split = "search", Profile = false }, cancellationToken, out _);
            campaign = campaign with { BaselineTop1 = baseline.Top1, BaselineImages = baseline.Images };
            _observer.Info($"baseline (unpruned) top-1 on the search split: {baseline.Top1:F2}% on {baseline.Images} images");
        }
        campaign = campaign with { Status = CampaignStatus.Running, Message = null };
        _store.SaveCampaign(campaign);
        var baselineTop1 = campaign.BaselineTop1!.Value;

        // Rebuild the strategy exactly: Initialize → Enqueue warm starts → (Ask, Tell) per stored trial in order.
        foreach (var w in campaign.WarmStarts) strategy.Enqueue(w.Parameters, w.Origin);

        var trials = _store.Trials(_spec.Name).ToList();
        int replayMismatches = 0;
        for (int i = 0; i < trials.Count; i++)
        {
            var t = trials[i];
            if (t.State == TrialState.Running)
            {
                t = t with { State = TrialState.Abandoned, Error = "the process stopped while this trial ran; re-asked on resume", FinishedAt = DateTimeOffset.UtcNow };
                trials[i] = t;
                _store.SaveTrial(t);
                _observer.Warning($"trial {t.Number} was in flight when the campaign stopped: marked abandoned, it will be re-asked");
                continue;
            }
            if (t.State == TrialState.Abandoned) continue;
            if (!strategy.CanAsk)
            {
                // A strategy that has stopped proposing still learns from the stored outcome.
                replayMismatches++;
                strategy.Tell(OutcomeOf(t, i));
                continue;
            }
            var replayed = strategy.Ask();
            if (!replayed.Parameters.Equals(t.Parameters)) replayMismatches++;
            strategy.Tell(OutcomeOf(t, replayed.Number));
        }
        if (replayMismatches > 0)
            _observer.Warning($"strategy '{_spec.Strategy.Name}' proposed different points on replay for {replayMismatches} stored trials (it is not deterministic); stored outcomes were told as stored");

        var counted = trials.Count(t => t.State != TrialState.Abandoned);
        if (trials.Count > 0) _observer.Info($"resuming campaign '{_spec.Name}': {counted} trials in the store");
        var nextNumber = trials.Count == 0 ? 1 : trials.Max(t => t.Number) + 1;
        var priorElapsed = TimeSpan.FromSeconds(campaign.ElapsedSeconds);
        var consecutiveFailures = 0;
        var runThisSession = 0;
        var status = CampaignStatus.Complete;
        string message = "";
        MeasuredBoardIdentity? boardIdentity = null;

        CampaignProgress Progress() => MakeProgress(trials, counted, priorElapsed + session.Elapsed, runThisSession, session.Elapsed);

        while (true)
        {
            if (cancellationToken.IsCancellationRequested) { status = CampaignStatus.Interrupted; message = "interrupted"; break; }
            if (_spec.Budget.Trials is { } budget && counted >= budget) { message = $"trial budget reached ({budget})"; break; }
            if (_spec.Budget.WallTime is { } wall && priorElapsed + session.Elapsed >= wall) { message = $"wall-time budget reached ({wall})"; break; }
            if (!strategy.CanAsk) { message = $"strategy '{_spec.Strategy.Name}' has nothing more to propose"; break; }

            var started = DateTimeOffset.UtcNow;
            var askWatch = Stopwatch.StartNew();
            var suggestion = strategy.Ask();
            var askSeconds = askWatch.Elapsed.TotalSeconds;
            var number = nextNumber++;
            var running = new TrialRecord
            {
                Campaign = _spec.Name, Number = number, State = TrialState.Running, Parameters = suggestion.Parameters,
                Origin = suggestion.Origin, StartedAt = started,
            };
            var storeWatch = Stopwatch.StartNew();
            _store.SaveTrial(running);
            _storeSeconds = storeWatch.Elapsed.TotalSeconds;
            _observer.TrialStarted(number, suggestion.Parameters, Progress());

            TrialRecord record;
            try
            {
                record = RunTrial(running, evaluator, backend, board, baselineTop1, trials, askSeconds, ref boardIdentity, cancellationToken);
                consecutiveFailures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                record = running with { State = TrialState.Abandoned, Error = "interrupted while running", FinishedAt = DateTimeOffset.UtcNow };
                _store.SaveTrial(record);
                trials.Add(record);
                status = CampaignStatus.Interrupted;
                message = "interrupted";
                break;
            }
            catch (Exception e) when (e is not StoreException) // a store that cannot be written ends the run (exit 4), it is no trial failure
            {
                consecutiveFailures++;
                record = running with
                {
                    State = TrialState.Failed, Error = $"{e.GetType().Name}: {e.Message}", FinishedAt = DateTimeOffset.UtcNow,
                    Timings = new TrialTimings { Ask = askSeconds, Total = (DateTimeOffset.UtcNow - started).TotalSeconds },
                };
                _observer.Warning($"trial {number} failed: {record.Error}");
            }

            record = record with { Timings = record.Timings with { Store = _storeSeconds } };
            _store.SaveTrial(record);
            trials.Add(record);
            counted++;
            runThisSession++;
            campaign = campaign with { ElapsedSeconds = (priorElapsed + session.Elapsed).TotalSeconds };
            _store.SaveCampaign(campaign);
            strategy.Tell(OutcomeOf(record, suggestion.Number));
            _observer.TrialFinished(record, Progress());

            if (consecutiveFailures >= _spec.MaxConsecutiveFailures)
            {
                status = CampaignStatus.Failed;
                message = $"{consecutiveFailures} trials failed in a row (maxConsecutiveFailures = {_spec.MaxConsecutiveFailures}); last error: {record.Error}. " +
                          "Fix the cause and run the campaign again to resume it";
                break;
            }
        }

        var best = _objective.Best(trials);
        campaign = campaign with
        {
            Status = status, Message = message, ElapsedSeconds = (priorElapsed + session.Elapsed).TotalSeconds,
        };
        _store.SaveCampaign(campaign);
        return new CampaignResult
        {
            Status = status, Campaign = _spec.Name, Message = message, TrialsRun = runThisSession, TrialsTotal = counted,
            Resumed = campaign.Resumes, Best = best,
            MeasurementFailures = _measurementFailures, MeasurementError = _measurementError,
        };
    }

    private TrialRecord RunTrial(TrialRecord running, ITrialEvaluator evaluator, IAcceleratorBackend backend, BoardSpec board,
        double baselineTop1, IReadOnlyList<TrialRecord> previous, double askSeconds, ref MeasuredBoardIdentity? boardIdentity, CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        var request = new EvaluationRequest
        {
            Split = "search", Profile = true, BaselineTop1 = baselineTop1,
            EarlyStopDrop = _spec.EarlyStop.Enabled ? _spec.EarlyStop.DropFactor * _objective.Tolerance : double.NaN,
        };
        var evalWatch = Stopwatch.StartNew();
        var eval = EvaluateCached(evaluator, running.Parameters, request, ct, out var evalHit);
        var evalSeconds = evalWatch.Elapsed.TotalSeconds;
        var drop = baselineTop1 - eval.Top1;
        var violation = _objective.Violation(drop);
        var layerSparsity = eval.Profile?.Layers.ToDictionary(l => l.Layer, l => l.EffectiveSparsity) ?? new Dictionary<string, double>();
        var evalTime = evalHit ? evalSeconds : (eval.EvaluationTime > TimeSpan.Zero ? eval.EvaluationTime.TotalSeconds : evalSeconds);
        var record = running with
        {
            Accuracy = eval.Top1, AccuracyImages = eval.Images, WeightSparsity = eval.WeightSparsity, ActivationSparsity = eval.ActivationSparsity,
            EffectiveSparsity = eval.EffectiveSparsity, LayerSparsity = layerSparsity, ConstraintViolation = violation, Feasible = violation <= 0,
            EvaluationCacheHit = evalHit,
        };
        if (eval.StoppedEarly)
        {
            return record with
            {
                State = TrialState.Pruned, Feasible = false, FinishedAt = DateTimeOffset.UtcNow,
                Error = $"stopped early: accuracy drop {drop:F2} points exceeded {request.EarlyStopDrop:F2} after {eval.Images} images",
                Timings = new TrialTimings { Ask = askSeconds, Evaluate = evalTime, Profile = eval.ProfileTime.TotalSeconds, Total = total.Elapsed.TotalSeconds + askSeconds },
            };
        }

        ct.ThrowIfCancellationRequested();
        var designWatch = Stopwatch.StartNew();
        var profile = eval.Profile ?? SparsityProfile.Dense(_spec.Model);
        var design = DesignCached(evaluator.Graph, profile, board, backend, ct, out var designHit);
        var designSeconds = designWatch.Elapsed.TotalSeconds;

        var predicted = design.Performance.ThroughputImagesPerSecond;
        var calibration = _store.GetCalibration(backend.Name, board.Name);
        var throughput = predicted;
        var fidelity = Fidelity.Analytical;
        if (calibration.Samples.Count > 0)
        {
            throughput = predicted * calibration.FactorFor(BottleneckKind(evaluator.Graph, design));
            fidelity = Fidelity.Calibrated;
        }
        double? measured = null;
        var measureSeconds = 0.0;
        if (_measurer is not null && _spec.Measure is { } measure && record.Feasible && ShouldMeasure(previous, throughput, measure))
        {
            var measureWatch = Stopwatch.StartNew();
            var m = Measure(design, evaluator, running.Parameters, board, measure, ref boardIdentity, ct);
            measureSeconds = measureWatch.Elapsed.TotalSeconds;
            if (m is not null)
            {
                measured = m.MedianImagesPerSecond;
                throughput = m.MedianImagesPerSecond;
                fidelity = m.Fidelity;
            }
        }

        var (gopsPerDsp, latency) = TrialMetrics.Scaled(design, throughput);
        var metrics = new TrialMetrics(eval.Top1, drop, throughput, gopsPerDsp, latency, eval.EffectiveSparsity, eval.WeightSparsity, eval.ActivationSparsity);
        return record with
        {
            State = TrialState.Complete, Design = design, DesignCacheHit = designHit, ObjectiveValues = _objective.Values(metrics),
            PredictedThroughput = predicted, MeasuredThroughput = measured, ThroughputFidelity = fidelity,
            FinishedAt = DateTimeOffset.UtcNow,
            Timings = new TrialTimings
            {
                Ask = askSeconds, Evaluate = evalTime, Profile = evalHit ? 0 : eval.ProfileTime.TotalSeconds, Design = designSeconds,
                Measure = measureSeconds, Total = total.Elapsed.TotalSeconds + askSeconds,
            },
        };
    }

    private static LayerKind? BottleneckKind(NetworkGraph graph, HardwareDesign design) =>
        graph.Layers.FirstOrDefault(l => l.Name == design.Performance.BottleneckLayer)?.Kind;

    private bool ShouldMeasure(IReadOnlyList<TrialRecord> previous, double throughput, MeasureSpec measure)
    {
        var feasible = previous.Where(t => t.State == TrialState.Complete && t.Feasible).ToList();
        if (measure.Designs.EveryN > 0 && (feasible.Count + 1) % measure.Designs.EveryN == 0) return true;
        if (measure.Designs.TopK > 0)
        {
            var better = feasible.Count(t => Objective.Throughput(t) > throughput);
            return better < measure.Designs.TopK;
        }
        return false;
    }

    private Measurement? Measure(HardwareDesign design, ITrialEvaluator evaluator, ParameterSet parameters, BoardSpec board,
        MeasureSpec measure, ref MeasuredBoardIdentity? identity, CancellationToken ct)
    {
        var options = new MeasureOptions
        {
            Link = measure.Link, Board = board, Repeats = measure.Repeats, Images = measure.Images, WarmupImages = measure.WarmupImages,
            // Real calibration images, so on-board zero skipping sees the activations the profile saw.
            UploadImages = evaluator.CalibrationImages(measure.Images + measure.WarmupImages),
        };
        try
        {
            identity ??= _measurer!.IdentifyAsync(options, ct).GetAwaiter().GetResult();
            var designHash = design.DesignHash();
            var stored = _store.GetMeasurement(designHash, identity.BoardId, identity.Firmware);
            if (stored is not null) return stored;
            var m = _measurer!.MeasureAsync(design, evaluator.Export(parameters), options, ct).GetAwaiter().GetResult();
            m = m with
            {
                DesignHash = designHash, BoardId = identity.BoardId, Firmware = identity.Firmware,
                PredictedImagesPerSecond = design.Performance.ThroughputImagesPerSecond,
            };
            if (!(m.MedianImagesPerSecond > 0) || !double.IsFinite(m.MedianImagesPerSecond))
                throw new InvalidOperationException($"the measurer returned an invalid throughput ({m.MedianImagesPerSecond})");
            _store.SaveMeasurement(m);
            var calibration = _store.GetCalibration(design.Backend, board.Name);
            if (calibration.Samples.All(s => s.DesignHash != designHash))
            {
                var kind = BottleneckKind(evaluator.Graph, design);
                _store.SaveCalibration(calibration with
                {
                    Samples = [.. calibration.Samples, new CalibrationSample(designHash, m.PredictedImagesPerSecond, m.MedianImagesPerSecond, kind)],
                });
            }
            _observer.Info($"measured design {designHash[..12]} on {identity.BoardId}: {m.MedianImagesPerSecond:F1} img/s (predicted {m.PredictedImagesPerSecond:F1})");
            return m;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
        catch (Exception e) when (e is not StoreException)
        {
            _measurementFailures++;
            _measurementError = e.Message;
            _observer.Warning($"measurement on {measure.Link} failed, the trial keeps its predicted throughput: {e.Message}");
            return null;
        }
    }

    private EvaluationOutcome EvaluateCached(ITrialEvaluator evaluator, ParameterSet parameters, EvaluationRequest request, CancellationToken ct, out bool hit)
    {
        var key = EvaluationKey(evaluator.Fingerprint, parameters, request);
        var cached = _store.GetEvaluation(key);
        if (cached is not null && (cached.Profile is not null || !request.Profile)) { hit = true; return cached; }
        hit = false;
        ct.ThrowIfCancellationRequested();
        var outcome = evaluator.Evaluate(parameters, request, ct);
        var watch = Stopwatch.StartNew();
        _store.SaveEvaluation(key, outcome);
        _storeSeconds += watch.Elapsed.TotalSeconds;
        return outcome;
    }

    /// <summary>Hashed, because the quantised parameters of a deep model (one value per layer and site) exceed LiteDB's 1,023-byte key limit.</summary>
    public static string EvaluationKey(string fingerprint, ParameterSet parameters, EvaluationRequest request) =>
        Hashing.Sha256Hex($"{fingerprint}|{parameters.QuantisedKey()}|{request.Split}|es={request.EarlyStopDrop.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)}");

    private HardwareDesign DesignCached(NetworkGraph graph, SparsityProfile profile, BoardSpec board, IAcceleratorBackend backend, CancellationToken ct, out bool hit)
    {
        var options = _spec.Backend.Options with { Seed = _spec.Seed };
        var key = DesignKey(graph, profile, board, backend, options);
        var cached = _store.GetDesign(key);
        if (cached is not null) { hit = true; return cached; }
        hit = false;
        var design = backend.Optimize(graph, profile, board, options, ct);
        var watch = Stopwatch.StartNew();
        _store.SaveDesign(key, design);
        _storeSeconds += watch.Elapsed.TotalSeconds;
        return design;
    }

    public static string DesignKey(NetworkGraph graph, SparsityProfile profile, BoardSpec board, IAcceleratorBackend backend, DesignOptions options) =>
        Hashing.Sha256Hex($"{graph.ContentHash()}|{profile.ContentHash()}|{Hashing.Sha256Hex(HassJson.Serialize(board))}|{backend.Name}@{backend.Version}|{HassJson.Serialize(options)}");

    private IReadOnlyList<WarmStartPoint> FindWarmStarts(SearchSpace space)
    {
        var seen = new HashSet<string>();
        var points = new List<WarmStartPoint>();
        var candidates = _store.WarmStartCandidates(_spec.WarmStartKey(), _spec.Name)
            .Where(t => t.State == TrialState.Complete && t.Feasible && space.Contains(t.Parameters))
            .OrderBy(WarmStartRank).ThenBy(t => t.Campaign, StringComparer.Ordinal).ThenBy(t => t.Number);
        foreach (var t in candidates)
        {
            if (!seen.Add(t.Parameters.QuantisedKey())) continue;
            points.Add(new WarmStartPoint(t.Parameters, $"warm-start:{t.Campaign}#{t.Number}"));
            if (points.Count == WarmStartCount) break;
        }
        return points;
    }

    /// <summary>Orders stored trials best first on this campaign's primary metric (multi: throughput).</summary>
    private double WarmStartRank(TrialRecord t)
    {
        var metrics = MetricsOf(t);
        var key = _spec.Objective.Metric switch
        {
            ObjectiveMetric.GopsPerDsp => "gopsPerDsp",
            ObjectiveMetric.Latency => "latency",
            _ => "throughput",
        };
        if (metrics is null || !metrics.TryGetValue(key, out var value)) return double.PositiveInfinity;
        return _objective.Directions[0] == ObjectiveDirection.Maximize ? -value : value;
    }

    private TrialOutcome OutcomeOf(TrialRecord t, int strategyNumber) =>
        new(strategyNumber, t.Parameters, t.State, t.State == TrialState.Complete ? t.ObjectiveValues : [], t.ConstraintViolation, MetricsOf(t));

    private IReadOnlyDictionary<string, double>? MetricsOf(TrialRecord t)
    {
        if (t.Accuracy is null) return null;
        var d = new Dictionary<string, double>
        {
            ["accuracy"] = t.Accuracy.Value, ["accuracyDrop"] = t.ConstraintViolation + _objective.Tolerance, ["effectiveSparsity"] = t.EffectiveSparsity, ["weightSparsity"] = t.WeightSparsity,
            ["activationSparsity"] = t.ActivationSparsity,
        };
        if (t.Design is { } design)
        {
            var throughput = Objective.Throughput(t);
            var (gopsPerDsp, latency) = TrialMetrics.Scaled(design, throughput);
            d["throughput"] = throughput;
            d["gopsPerDsp"] = gopsPerDsp;
            d["latency"] = latency;
        }
        return d;
    }

    private CampaignProgress MakeProgress(IReadOnlyList<TrialRecord> trials, int counted, TimeSpan elapsed, int runThisSession, TimeSpan sessionElapsed)
    {
        var best = _objective.Best(trials);
        TimeSpan? eta = null;
        if (runThisSession > 0)
        {
            var perTrial = sessionElapsed / runThisSession;
            if (_spec.Budget.Trials is { } b) eta = perTrial * Math.Max(0, b - counted);
            if (_spec.Budget.WallTime is { } w && (eta is null || w - elapsed < eta)) eta = w - elapsed < TimeSpan.Zero ? TimeSpan.Zero : w - elapsed;
        }
        return new CampaignProgress
        {
            Campaign = _spec.Name, Done = counted, Budget = _spec.Budget.Trials, Elapsed = elapsed, WallTime = _spec.Budget.WallTime,
            Best = best, BestLabel = best is null ? "none feasible yet" : Describe(best), Eta = eta,
            EvaluationCacheHits = trials.Count(t => t.EvaluationCacheHit), DesignCacheHits = trials.Count(t => t.DesignCacheHit),
        };
    }

    public string Describe(TrialRecord t) =>
        $"#{t.Number} {Objective.Throughput(t):F1} img/s, top-1 {t.Accuracy:F2}% ({t.ThroughputFidelity.ToString().ToLowerInvariant()})";

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
