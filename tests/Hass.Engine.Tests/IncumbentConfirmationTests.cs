using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Plugins;
using Hass.Engine.Running;
using Hass.Engine.Storage;

namespace Hass.Engine.Tests;

/// <summary>
/// Confirmed incumbents (final.confirmIncumbents): during the search, a trial that beats the best confirmed one is re-scored on the
/// confirmation split; the synthetic evaluator's confirmation split sees 1.5 × the search split's drop, so trials with a search
/// drop above 0.5 fail the 0.75-point limit (tolerance 1 − confirmMargin 0.25) and are told infeasible.
/// </summary>
public class IncumbentConfirmationTests
{
    internal const double Scale = 1.5;
    private const double Limit = 0.75;

    internal static CampaignSpec Spec(int trials, int parallelism = 1, bool confirmSplit = true, string? final = "{ \"confirmIncumbents\": true }")
    {
        var json = File.ReadAllText(TestEnvironment.SyntheticCampaign)
            .Replace("\"strategy\": { \"name\": \"seeded-random\" }", "\"strategy\": { \"name\": \"recording\" }")
            .Replace("\"settings\": { \"delayMs\": 0 }", confirmSplit ? $"\"settings\": {{ \"delayMs\": 0, \"confirmImages\": 500, \"confirmScale\": {Scale} }}" : "\"settings\": { \"delayMs\": 0 }");
        if (final is not null) json = json.TrimEnd().TrimEnd('}') + ", \"final\": " + final + " }";
        return CampaignLoader.Parse(json, "synthetic.json", new CampaignOverrides { Trials = trials, Parallelism = parallelism });
    }

    internal static async Task<RecordingStrategy> Run(string db, CampaignSpec spec)
    {
        var recording = new RecordingStrategy();
        var (provider, components) = TestEnvironment.SyntheticComponents(s => s.AddHassComponent<ISearchStrategyFactory>(ComponentKind.Search, recording));
        using var _ = provider;
        using var store = HassStore.Open(db);
        var result = await new CampaignSearch(spec, "synthetic.json", store, components, TestEnvironment.Boards()).RunAsync(default);
        Assert.Equal(CampaignStatus.Complete, result.Status);
        return recording;
    }

    internal static IReadOnlyList<TrialRecord> Trials(string db)
    {
        using var store = HassStore.Open(db);
        return store.Trials("synthetic").OrderBy(t => t.Number).ToList();
    }

    internal static double Drop(TrialRecord t) => SyntheticDense - t.Accuracy!.Value;
    private const double SyntheticDense = 90.0;
    // The synthetic evaluator's smoothed top-1: 80 unpruned, and a smoothed drop of 0.8 × the counted one.
    private const double SyntheticSoftDense = 80.0, SyntheticSmoothedShare = 0.8;

    [Fact]
    public async Task New_incumbents_are_confirmed_and_a_failed_confirmation_is_told_infeasible()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var recording = await Run(db, Spec(40));
        var trials = Trials(db);

        // Sequential: a trial is confirmed exactly when it is feasible on the search split and beats the best confirmed earlier trial by 0.5 %.
        double? best = null;
        foreach (var t in trials)
        {
            var expected = t.State == TrialState.Complete && t.Feasible && (best is null || t.ObjectiveValues[0] > best * 1.005);
            Assert.True(expected == t.Confirmed(), $"trial {t.Number}: confirmed {t.Confirmed()}, expected {expected}");
            if (!t.Confirmed()) { Assert.Null(t.ConfirmationTop1); continue; }
            Assert.Equal(Limit, t.ConfirmationLimit!.Value, 9);
            Assert.Equal(Scale * Drop(t), t.ConfirmationDrop!.Value, 9);
            Assert.Equal(SyntheticDense - t.ConfirmationDrop!.Value, t.ConfirmationTop1!.Value, 9);
            if (t.PassedConfirmation()) best = t.ObjectiveValues[0];
        }
        var passed = trials.Where(t => t.PassedConfirmation()).ToList();
        var failed = trials.Where(t => t.FailedConfirmation()).ToList();
        Assert.NotEmpty(passed);
        Assert.NotEmpty(failed);

        // What the strategy was told: a failed confirmation is infeasible by how far it passed the limit, with both figures as metrics.
        foreach (var t in failed)
        {
            var told = recording.Told.Single(o => o.Parameters.QuantisedKey() == t.Parameters.QuantisedKey());
            Assert.True(t.Feasible);                                        // it passed on the search split…
            Assert.Equal(t.ConfirmationDrop!.Value - Limit, told.ConstraintViolation, 9);   // …and is told infeasible
            Assert.Equal(t.ConfirmationDrop!.Value, told.Metrics![OutcomeMetrics.ConfirmationDrop], 9);
            Assert.Equal(Limit, told.Metrics[OutcomeMetrics.ConfirmationLimit], 9);
        }
        foreach (var t in passed)
            Assert.Equal(t.ConstraintViolation, recording.Told.Single(o => o.Parameters.QuantisedKey() == t.Parameters.QuantisedKey()).ConstraintViolation, 9);

        // A failed trial is no candidate: the campaign's best is the fastest trial nothing refused.
        var objective = new Objective(Spec(1).Objective);
        Assert.DoesNotContain(objective.Best(trials)!.Number, failed.Select(t => t.Number));
    }

    [Fact]
    public async Task With_confirmSigmas_a_noisy_confirmation_needs_a_margin_of_that_many_standard_errors()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(db, Spec(40, final: "{ \"confirmIncumbents\": true, \"confirmSigmas\": 2 }"));
        var confirmed = Trials(db).Where(t => t.Confirmed()).ToList();
        Assert.NotEmpty(confirmed);
        Assert.All(confirmed, t => Assert.NotNull(t.ConfirmationStandardError));
        // Those the early stop did not cut short (it stops past the fixed limit and scores a quarter of the images).
        foreach (var t in confirmed.Where(t => t.ConfirmationDrop <= Limit))
        {
            // The synthetic evaluator pairs a drop d on n images as 2·d·n/100 images lost and d·n/100 gained.
            var net = (int)Math.Round(t.ConfirmationDrop!.Value * 250 / 100);
            var standardError = PairedDrop.StandardError(2 * net, net, 250);
            Assert.Equal(standardError, t.ConfirmationStandardError!.Value, 9);
            Assert.Equal(Math.Min(Limit, 1.0 - 2 * standardError), t.ConfirmationLimit!.Value, 9);
        }
        // Some trial within the fixed margin fails on its own noise.
        Assert.Contains(confirmed, t => t.ConfirmationDrop <= Limit && t.FailedConfirmation());

        var plain = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(plain, Spec(40));
        Assert.All(Trials(plain).Where(t => t.Confirmed()), t => Assert.Null(t.ConfirmationStandardError));
    }

    [Fact]
    public async Task Every_trial_stores_and_tells_its_smoothed_drop_against_the_unpruned_networks_smoothed_top1()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var recording = await Run(db, Spec(20, final: null));
        using (var store = HassStore.Open(db)) Assert.Equal(SyntheticSoftDense, store.GetCampaign("synthetic")!.BaselineSoftTop1);
        var trials = Trials(db);
        Assert.Equal(20, trials.Count);
        foreach (var t in trials)
        {
            Assert.Equal(SyntheticSmoothedShare * Drop(t), t.SmoothedDrop!.Value, 9);
            var told = recording.Told.Single(o => o.Parameters.QuantisedKey() == t.Parameters.QuantisedKey());
            Assert.Equal(t.SmoothedDrop.Value, told.Metrics![OutcomeMetrics.SmoothedDrop], 9);
        }
    }

    [Fact]
    public async Task With_predictSearchDrop_trials_after_the_first_twenty_are_judged_by_the_drop_their_smoothed_drop_predicts()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var recording = await Run(db, Spec(60, final: "{ \"predictSearchDrop\": true }"));
        var trials = Trials(db);
        var predicted = trials.Where(t => t.CountedDrop is not null).ToList();
        Assert.NotEmpty(predicted);
        // The synthetic smoothed drop is exactly 0.8 × the counted one, so the line predicts every count exactly.
        foreach (var t in predicted)
        {
            Assert.Equal(Drop(t), t.CountedDrop!.Value, 9);
            Assert.Equal(Drop(t) - 1.0, t.ConstraintViolation, 6);
            Assert.True(trials.Count(e => e.Number < t.Number && e.State == TrialState.Complete && e.SmoothedDrop is not null) >= PredictedSearchDrop.MinimumTrials);
        }
        Assert.All(trials.Take(PredictedSearchDrop.MinimumTrials), t => Assert.Null(t.CountedDrop));
        var told = recording.Told.Single(o => o.Parameters.QuantisedKey() == predicted[^1].Parameters.QuantisedKey());
        Assert.Equal(predicted[^1].ConstraintViolation, told.ConstraintViolation, 9);
    }

    [Fact]
    public async Task With_calibrateSearchDrop_unconfirmed_trials_are_told_their_drop_plus_the_median_excess_of_the_confirmations_before_them()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var recording = await Run(db, Spec(40, final: "{ \"confirmIncumbents\": true, \"calibrateSearchDrop\": true }"));
        var trials = Trials(db);
        foreach (var t in trials.Where(t => t.State == TrialState.Complete))
        {
            // Sequential: the confirmations before a trial are those of the trials numbered below it. The synthetic confirmation
            // split sees 1.5 × the drop, so each excess is half the search drop (early stops score a quarter of the images, same drop).
            var excess = trials.Where(c => c.Number < t.Number && c.Confirmed()).Select(c => c.ConfirmationDrop!.Value - Drop(c)).Order().ToList();
            var expected = excess.Count < IncumbentConfirmation.CalibrationConfirmations ? 0
                : Math.Clamp(excess.Count % 2 == 1 ? excess[excess.Count / 2] : (excess[excess.Count / 2 - 1] + excess[excess.Count / 2]) / 2, 0, 1);
            Assert.Equal(expected, t.SearchDropOffset!.Value, tolerance: 1e-9);   // drops are stored rounded to 9 decimals
            var told = recording.Told.Single(o => o.Parameters.QuantisedKey() == t.Parameters.QuantisedKey());
            if (!t.Confirmed()) Assert.Equal(AccuracyDrop.Round(t.ConstraintViolation + t.SearchDropOffset.Value), told.ConstraintViolation, 12);
            // A trial infeasible once calibrated is not confirmed.
            if (t.Feasible && t.ConstraintViolation + expected > 0) Assert.False(t.Confirmed());
        }
        Assert.Contains(trials, t => t.SearchDropOffset > 0 && !t.Confirmed() && t.Feasible);

        var plain = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(plain, Spec(40));
        Assert.All(Trials(plain), t => Assert.Null(t.SearchDropOffset));
    }

    [Fact]
    public async Task With_parallel_trials_every_feasible_trial_left_unconfirmed_had_a_confirmed_incumbent_as_fast_before_it()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(db, Spec(40, parallelism: 2));
        var trials = Trials(db);
        Assert.Contains(trials, t => t.PassedConfirmation());
        foreach (var t in trials.Where(t => t.State == TrialState.Complete && t.Feasible && !t.Confirmed()))
            Assert.Contains(trials, c => c.Number < t.Number && c.PassedConfirmation() && c.ObjectiveValues[0] * 1.005 >= t.ObjectiveValues[0]);
        Assert.All(trials.Where(t => t.Confirmed()), t => Assert.True(t.Feasible));
    }

    [Fact]
    public async Task A_resumed_campaign_rebuilds_the_confirmed_incumbent_from_the_store()
    {
        var straight = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(straight, Spec(40));
        var split = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(split, Spec(10));
        await Run(split, Spec(40));
        static object Key(TrialRecord t) => (t.Number, t.Parameters.QuantisedKey(), t.ConfirmationTop1, t.ConfirmationDrop, t.ConfirmationLimit);
        Assert.Equal(Trials(straight).Select(Key), Trials(split).Select(Key));
        Assert.Contains(Trials(split), t => t.Number > 10 && t.Confirmed());
    }

    [Fact]
    public async Task Off_by_default_turned_off_or_without_a_confirmation_split_the_campaign_runs_as_before()
    {
        var off = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var offTold = await Run(off, Spec(30, final: "{ \"confirmIncumbents\": false }"));
        var byDefault = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(byDefault, Spec(30, final: null));
        var noSplit = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(noSplit, Spec(30, confirmSplit: false));
        var noTop = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(noTop, Spec(30, final: "{ \"confirmIncumbents\": true, \"confirmTop\": 0 }"));
        static object Key(TrialRecord t) => (t.Number, t.Parameters.QuantisedKey(), t.State, t.Feasible, t.ConstraintViolation, string.Join(",", t.ObjectiveValues));
        Assert.Equal(Trials(noSplit).Select(Key), Trials(byDefault).Select(Key));
        foreach (var db in new[] { off, byDefault, noSplit, noTop })
        {
            Assert.All(Trials(db), t => Assert.False(t.Confirmed()));
            Assert.All(Trials(db), t => Assert.Equal(0, t.Timings.Confirm));
        }
        Assert.Equal(Trials(noSplit).Select(Key), Trials(off).Select(Key));
        Assert.Equal(Trials(noSplit).Select(Key), Trials(noTop).Select(Key));
        Assert.All(offTold.Told, o => Assert.False(o.Metrics?.ContainsKey(OutcomeMetrics.ConfirmationDrop) ?? false));
    }

    [Theory]
    [InlineData(null, 250)]      // default 2,000, at most half the split: 250 of 500
    [InlineData("100", 100)]
    [InlineData("400", 250)]
    public void The_search_confirms_on_the_first_incumbentImages_and_the_final_pick_scores_the_rest(string? incumbentImages, int searchPart)
    {
        var spec = Spec(10, final: incumbentImages is null ? "{ \"confirmIncumbents\": true }" : $"{{ \"confirmIncumbents\": true, \"incumbentImages\": {incumbentImages} }}");
        var (provider, components) = TestEnvironment.SyntheticComponents();
        using var _ = provider;
        using var evaluator = components.EvaluatorFor(spec.Model).Create(spec.ToEvaluatorSpec());
        Assert.Equal(searchPart, IncumbentConfirmation.SearchPartImages(spec, evaluator));
        var first = evaluator.Evaluate(evaluator.SearchSpace.Defaults(), new EvaluationRequest { Split = IncumbentConfirmation.SearchPart(searchPart), Profile = false });
        var rest = evaluator.Evaluate(evaluator.SearchSpace.Defaults(), new EvaluationRequest { Split = IncumbentConfirmation.FinalPart(searchPart), Profile = false });
        Assert.Equal((searchPart, 500 - searchPart), (first.Images, rest.Images));
    }

    [Fact]
    public async Task With_mirrorConfirmations_the_confirmations_and_the_final_pick_count_the_mirror_images_too()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var spec = Spec(30, final: "{ \"confirmIncumbents\": true, \"mirrorConfirmations\": true, \"incumbentImages\": 100 }");
        await Run(db, spec);
        Assert.Contains(Trials(db), t => t.PassedConfirmation());

        var (provider, components) = TestEnvironment.SyntheticComponents();
        using var _ = provider;
        using var evaluator = new SplitRecordingEvaluator(components.EvaluatorFor(spec.Model).Create(spec.ToEvaluatorSpec()));
        using var store = HassStore.Open(db);
        var info = new List<string>();
        var picks = FinalPicks.Choose(spec, store, new Objective(spec.Objective), evaluator, info.Add, default);

        Assert.Equal("confirmation:first-100+mirrors", IncumbentConfirmation.For(spec, new Objective(spec.Objective), store, evaluator, _ => { }, default)!.Request.Split);
        Assert.NotEmpty(picks.Hass.Finalists);
        Assert.All(evaluator.Splits, split => Assert.Equal("confirmation:after-100+mirrors", split));
        Assert.Contains(info, line => line.Contains("(400 images and their mirror images, the part the search did not use (it used the first 100))", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_evaluator_without_mirror_images_makes_the_search_and_the_final_pick_confirm_on_the_images_alone()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var spec = Spec(30, final: "{ \"confirmIncumbents\": true, \"mirrorConfirmations\": true, \"incumbentImages\": 100 }");
        await Run(db, spec);

        var (provider, components) = TestEnvironment.SyntheticComponents();
        using var _ = provider;
        using var evaluator = new SplitRecordingEvaluator(components.EvaluatorFor(spec.Model).Create(spec.ToEvaluatorSpec()), refuseMirrors: true);
        using var store = HassStore.Open(db);
        var info = new List<string>();
        var picks = FinalPicks.Choose(spec, store, new Objective(spec.Objective), evaluator, info.Add, default);

        Assert.NotEmpty(picks.Hass.Finalists);
        Assert.Contains("final: final.mirrorConfirmations: the evaluator has no mirror images; confirming on the images alone", info);
        Assert.Contains(info, line => line.Contains("(400 images, the part the search did not use (it used the first 100))", StringComparison.Ordinal));
        Assert.Equal("confirmation:after-100", evaluator.Splits[^1]);

        var warnings = new List<string>();
        using var fresh = HassStore.Open(Path.Combine(TestEnvironment.TempDir(), "fresh.db"));   // the run's store caches its mirrored dense scores
        Assert.Equal("confirmation:first-100", IncumbentConfirmation.For(spec, new Objective(spec.Objective), fresh, evaluator, warnings.Add, default)!.Request.Split);
        Assert.Equal(["final.mirrorConfirmations: the evaluator has no mirror images; the search confirms on the images alone"], warnings);
    }

    /// <summary>Passes every evaluation on and keeps the split names it was asked for; with <paramref name="refuseMirrors"/>, has no mirrored splits, as an evaluator that does not know them.</summary>
    private sealed class SplitRecordingEvaluator(ITrialEvaluator inner, bool refuseMirrors = false) : ITrialEvaluator
    {
        public List<string> Splits { get; } = [];
        public NetworkGraph Graph => inner.Graph;
        public string Fingerprint => inner.Fingerprint;
        public SearchSpace SearchSpace => inner.SearchSpace;
        public int ConfirmationImages => inner.ConfirmationImages;
        public bool HasSplit(string split) => !(refuseMirrors && MirroredSplits.TryStrip(split, out _)) && inner.HasSplit(split);

        public EvaluationOutcome Evaluate(ParameterSet parameters, EvaluationRequest request, CancellationToken cancellationToken = default)
        {
            Splits.Add(request.Split);
            if (!HasSplit(request.Split)) throw new InvalidOperationException($"the engine asked for split '{request.Split}', which this evaluator said it does not have");
            return inner.Evaluate(parameters, request, cancellationToken);
        }

        public DeployableNetwork Export(ParameterSet parameters) => inner.Export(parameters);
        public float[] CalibrationImages(int count) => inner.CalibrationImages(count);
        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void A_cached_evaluation_without_the_pairing_does_not_serve_a_paired_request()
    {
        var spec = Spec(10);
        var (provider, components) = TestEnvironment.SyntheticComponents();
        using var _ = provider;
        using var evaluator = components.EvaluatorFor(spec.Model).Create(spec.ToEvaluatorSpec());
        using var store = HassStore.Open(Path.Combine(TestEnvironment.TempDir(), "hass.db"));
        var point = new ParameterSet(evaluator.SearchSpace.Dimensions.ToDictionary(d => d.Name, d => d.Low + 0.5 * (d.High - d.Low)));
        var plain = new EvaluationRequest { Split = IncumbentConfirmation.SearchPart(250), Profile = false };
        Assert.Null(Running.Pipeline.CachedEvaluateStage.Evaluate(store, evaluator, point, plain, default).LostImages);
        var paired = Running.Pipeline.CachedEvaluateStage.Evaluate(store, evaluator, point, plain with { PairWithDefaults = true }, default);
        Assert.NotNull(paired.LostImages);
        // The paired outcome now serves both kinds of request.
        Assert.NotNull(Running.Pipeline.CachedEvaluateStage.Evaluate(store, evaluator, point, plain, default).LostImages);
    }

    /// <summary>Random points (seeded, independent of what it is told), recording every outcome it is told.</summary>
    internal sealed class RecordingStrategy : ISearchStrategyFactory, ISearchStrategy
    {
        private SearchSpace? _space;
        private Random _rng = new(0);
        private int _asked;

        public List<TrialOutcome> Told { get; } = [];
        public string Name => "recording";
        public string Description => "test strategy: seeded random points, records its tells";
        public ISearchStrategy Create() => this;

        public void Initialize(StrategyContext context)
        {
            _space = context.Space;
            _rng = new Random(context.Seed);
        }

        // Thresholds up to 0.6 of each range: search drops of 0 to about 1.3 points, so some trials pass the search split and fail confirmation.
        public TrialSuggestion Ask() =>
            new(_asked++, new ParameterSet(_space!.Dimensions.ToDictionary(d => d.Name, d => d.Low + 0.6 * _rng.NextDouble() * (d.High - d.Low))));

        public void Tell(TrialOutcome outcome)
        {
            // Replayed tells on resume re-derive the random stream's position from the number of asks (one draw per dimension).
            while (_asked <= outcome.Number) Ask();
            Told.Add(outcome);
        }

        public void Enqueue(ParameterSet parameters, string origin) { }
    }
}
