using Hass.Abstractions;
using Hass.Engine.Boards;
using Hass.Engine.Campaigns;
using Hass.Engine.Plugins;
using Hass.Engine.Storage;

namespace Hass.Engine.Running;

/// <summary>
/// The campaign file's "final" section: what happens after the search.
/// UniformBaselineTrials &gt; 0 first runs the non-hardware-aware baseline as its own campaign
/// ("&lt;name&gt;-uniform": one global weight and one global activation threshold, chosen for accuracy only).
/// </summary>
public sealed record FinalSpec
{
    [System.ComponentModel.DataAnnotations.Range(0, 10_000)] public int UniformBaselineTrials { get; init; }
    /// <summary>Re-evaluate the best design(s) on the test set and compare with the dense and uniform designs.</summary>
    public bool Enabled { get; init; } = true;
    /// <summary>Points of accuracy drop kept in reserve when picking the designs of the final table (see MarginPick).</summary>
    [System.ComponentModel.DataAnnotations.Range(0.0, 100.0)] public double PickMargin { get; init; }
    /// <summary>Finalists per pick re-scored on the confirmation split (0: no confirmation; see ConfirmedPick).</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 1000)] public int ConfirmTop { get; init; } = DefaultConfirmTop;
    /// <summary>
    /// Confirmations after the finalists for trials better than the pick that the finalists' front hid (see ConfirmedPick):
    /// 0 (default) confirms the finalists alone.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, 1000)] public int ConfirmFaster { get; init; }
    /// <summary>Which trials better than the pick <see cref="ConfirmFaster"/> may confirm (see ConfirmedPick).</summary>
    public ConfirmFasterCandidates ConfirmFasterCandidates { get; init; } = ConfirmFasterCandidates.Front;
    /// <summary>Points kept below the tolerance on the confirmation split by the confirmed pick.</summary>
    [System.ComponentModel.DataAnnotations.Range(0.0, 100.0)] public double ConfirmMargin { get; init; } = DefaultConfirmMargin;
    /// <summary>
    /// Confirm incumbents during the search (<see cref="IncumbentConfirmation"/>): a trial that beats the best confirmed one is re-scored
    /// on the first <see cref="IncumbentImages"/> of the confirmation split and told infeasible when it fails there. Needs confirmTop &gt; 0
    /// and a confirmation split. Off unless the campaign turns it on; the shipped default campaign does (docs/search.md).
    /// </summary>
    public bool ConfirmIncumbents { get; init; }
    /// <summary>
    /// Images of the confirmation split the search's confirmations use (the first ones; at most half the split). The final pick scores
    /// its finalists on the rest, so the larger part goes where a wrong estimate costs the user: the chosen design.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)] public int IncumbentImages { get; init; } = DefaultIncumbentImages;
    /// <summary>
    /// Count every confirmation image together with its left-right mirror image (<see cref="MirroredSplits"/>), in the search's
    /// confirmations and in the final pick: for a network trained with random horizontal flips, a mirror image is one more
    /// held-out image. Off by default: the Fashion-MNIST zoo trains without flips, and there a pruned network's drop on the
    /// mirror images is not its drop on the images (docs/search.md).
    /// </summary>
    public bool MirrorConfirmations { get; init; }
    /// <summary>Percent by which a trial must beat the best confirmed one to be confirmed (keeps tiny creeps from each costing a confirmation).</summary>
    [System.ComponentModel.DataAnnotations.Range(0.0, 100.0)] public double ConfirmGain { get; init; } = DefaultConfirmGain;

    /// <summary>
    /// With confirmed incumbents: the margin of a search confirmation is at least this many standard errors of the trial's own
    /// confirmation drop (from the images it and the dense network disagree on), so designs that flip many images need a
    /// larger margin than <see cref="ConfirmMargin"/> to pass. 0: the fixed margin alone.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0.0, 10.0)] public double ConfirmSigmas { get; init; }

    /// <summary>
    /// With confirmed incumbents: tell the strategy each unconfirmed trial's search-split drop plus the median amount by which the
    /// confirmations so far exceeded their trials' search-split drops (<see cref="IncumbentConfirmation.SearchDropOffset"/>), so a
    /// search split that under-estimates pruned networks' drops stops steering the search into designs the confirmations refuse.
    /// </summary>
    public bool CalibrateSearchDrop { get; init; }

    /// <summary>
    /// Replace each trial's search-split drop by the one its smoothed drop predicts (<see cref="PredictedSearchDrop"/>): a line fitted
    /// over the campaign's earlier trials, once it has <see cref="PredictedSearchDrop.MinimumTrials"/>. Every gate that reads the
    /// search-split drop (the strategy, the confirmations' choice, the final pick's candidates) then reads the prediction.
    /// </summary>
    public bool PredictSearchDrop { get; init; }

    /// <summary>
    /// With confirmed incumbents: a trial whose search-split drop (calibrated, with <see cref="CalibrateSearchDrop"/>) lies within <see cref="SecondLookBand"/> points of the tolerance is
    /// scored again on this many images of the confirmation split, after the confirmations' part (<see cref="SecondLook"/>), and judged by
    /// the drop pooled over both. 0 (default): off. The final pick's part of the split shrinks by as many images.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, 1_000_000)] public int SecondLookImages { get; init; }
    /// <summary>How far from the tolerance (points, either side) a search-split drop gets the second look.</summary>
    [System.ComponentModel.DataAnnotations.Range(0.0, 100.0)] public double SecondLookBand { get; init; } = DefaultSecondLookBand;

    public const int DefaultConfirmTop = 8;
    public const double DefaultConfirmMargin = 0.25;
    public const double DefaultConfirmGain = 0.5;
    public const int DefaultIncumbentImages = 2000;
    public const double DefaultSecondLookBand = 0.4;
}

/// <summary>Which trials better than the pick final.confirmFaster's confirmations go to, each time as the front of them, best first.</summary>
public enum ConfirmFasterCandidates
{
    /// <summary>Every trial not yet confirmed.</summary>
    Front,
    /// <summary>
    /// Only trials whose search-split drop plus their calibration offset (the search's estimate of their confirmation drop) is within
    /// the pick's limit, tolerance − confirmMargin: the front's fastest trials sit at the tolerance and are mostly refused.
    /// </summary>
    WithinLimit,
}

/// <summary>One line of the final table: a design with its test-set accuracy and hardware figures.</summary>
public sealed record FinalRow
{
    public required string Label { get; init; }
    public string Campaign { get; init; } = "";
    public int? Trial { get; init; }
    public double SearchTop1 { get; init; }
    public double TestTop1 { get; init; }
    /// <summary>Top-1 on the confirmation split (the picks and the dense design, when the picks were confirmed).</summary>
    public double? ConfirmationTop1 { get; init; }
    public double WeightSparsity { get; init; }
    public double ActivationSparsity { get; init; }
    public double EffectiveSparsity { get; init; }
    public double Throughput { get; init; }
    public Fidelity ThroughputFidelity { get; init; }
    public double Dsp { get; init; }
    public double GopsPerDsp { get; init; }
    public string Backend { get; init; } = "";
    public double SpeedupOverDense { get; init; }
    public double? SpeedupOverUniform { get; init; }
    /// <summary>
    /// For the ceiling rows: which resource binds the design and its bottleneck layer. For the picks: what the pick
    /// said (e.g. none confirmed), how much faster its folding could go with more zeros (<see cref="SparsityCap"/>) and what
    /// the next folding level costs (<see cref="NextFoldingLevel"/>).
    /// </summary>
    public string? Note { get; init; }
    /// <summary>
    /// For the picks: how much larger a board, every resource scaled alike, the DSE needs to pass the pick's sparsity cap at
    /// its zeros (<see cref="NextFoldingLevel"/>); null without a cap or a profile, or when not even 4× the board does.
    /// </summary>
    public double? NextLevelBoardScale { get; init; }
}

public sealed record FinalSummary
{
    public required IReadOnlyList<FinalRow> Rows { get; init; }
    public int TestImages { get; init; }
    /// <summary>Images of the confirmation split the picks were confirmed on (0: not confirmed).</summary>
    public int ConfirmationImages { get; init; }
    /// <summary>Every trial the confirmed picks re-scored, in the order they were tried.</summary>
    public IReadOnlyList<Finalist> Finalists { get; init; } = [];
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// Builds the final table: dense design, uniform baseline and the campaign's best, accuracy on the test set.
/// Stored trials stay as they completed; test-set figures live in the summary (stored with the campaign).
/// </summary>
public static class FinalPhase
{
    public static string UniformCampaignName(CampaignSpec spec) => spec.Name + "-uniform";

    /// <summary>The baseline campaign: the same model, data, backend and board, searched for accuracy only by the strategy that declares itself the uniform baseline.</summary>
    public static CampaignSpec UniformBaseline(CampaignSpec spec, HassComponents components) => spec with
    {
        Name = UniformCampaignName(spec),
        Strategy = MarginPick.UniformStrategy(spec, components.UniformBaselineStrategy()?.Name
            ?? throw new InvalidOperationException("no loaded strategy declares itself the uniform baseline (checked when the campaign is validated)")),
        Budget = new BudgetSpec { Trials = spec.Final.UniformBaselineTrials },
        WarmStart = false,
        Measure = null,
        // Its incumbents are confirmed like the search's: the same rule on both sides of the comparison.
        Final = spec.Final with { Enabled = false, UniformBaselineTrials = 0 },
    };

    /// <summary>
    /// Makes the table and stores it with the campaign. After an interrupt it throws the cancellation and stores nothing; a backend
    /// call that ignores it is left behind after <paramref name="stopGrace"/> (default <see cref="StopGrace.Default"/>) with a warning.
    /// </summary>
    public static FinalSummary Build(CampaignSpec spec, HassStore store, HassComponents components, BoardLibrary boards, Action<string> info,
                                     Action<string> warning, CancellationToken ct, StopGrace? stopGrace = null)
    {
        var board = boards.Get(spec.Board);
        var backends = new FinalBackends(components, stopGrace ?? StopGrace.Default, warning);
        var objective = new Objective(spec.Objective);
        using var evaluator = components.EvaluatorFor(spec.Model, spec.Evaluator).Create(spec.ToEvaluatorSpec());
        var rows = new List<FinalRow>();

        info("final: dense design and unpruned accuracy on the test set");
        var unpruned = evaluator.Evaluate(evaluator.SearchSpace.Defaults(), new EvaluationRequest { Split = "test", Profile = false }, ct);
        var denseBackendName = components.DenseCounterpart(spec.Backend.Name);
        var dense = backends.Get(denseBackendName).Optimize(evaluator.Graph, SparsityProfile.Dense(spec.Model), board, spec.TrialDesignOptions, ct);
        var campaign = store.GetCampaign(spec.Name);
        rows.Add(new FinalRow
        {
            Label = "dense", SearchTop1 = campaign?.BaselineTop1 ?? double.NaN, TestTop1 = unpruned.Top1,
            Throughput = dense.Performance.ThroughputImagesPerSecond, ThroughputFidelity = Fidelity.Analytical,
            Dsp = dense.Resources.Dsp, GopsPerDsp = dense.Performance.GopPerSecondPerDsp, Backend = denseBackendName, SpeedupOverDense = 1,
        });

        var picks = FinalPicks.Choose(spec, store, objective, evaluator, info, ct);
        if (picks.DenseConfirmationTop1 is { } denseConfirmation) rows[0] = rows[0] with { ConfirmationTop1 = denseConfirmation };
        double? uniformThroughput = null;
        SparsityProfile? hassProfile = null;
        var backend = backends.Get(spec.Backend.Name);
        foreach (var (label, pick) in new[] { ("uniform", picks.Uniform), ("hass", picks.Hass) })
        {
            if (pick.Trial is not { } trial) continue;
            info($"final: test-set accuracy of the {label} design (trial {trial.Number})");
            // The profile comes from the calibration images whatever the split: the trial's own, for the notes and rows below.
            var test = evaluator.Evaluate(trial.Parameters, new EvaluationRequest { Split = "test", Profile = true }, ct);
            var capNote = PickCapNote.Of(trial.Design, test.Profile, backend, evaluator.Graph, board, spec.TrialDesignOptions, ct);
            var row = PickRow(label, trial, test.Top1, pick, capNote, spec.Backend.Name, dense.Performance.ThroughputImagesPerSecond, uniformThroughput);
            if (label == "uniform") uniformThroughput = row.Throughput;
            else hassProfile = test.Profile;
            rows.Add(row);
        }
        var best = picks.Hass.Trial;
        if (best is not null && hassProfile is not null
            && NonDataflowRow.Build(rows[^1], hassProfile, evaluator.Graph, backends, board, spec.TrialDesignOptions, dense.Performance.ThroughputImagesPerSecond, ct) is { } systolic)
            rows.Add(systolic);
        rows.AddRange(CeilingRows.Build(spec, store, evaluator, backend, board, dense.Performance.ThroughputImagesPerSecond, ct));
        var summary = new FinalSummary
        {
            Rows = rows, TestImages = unpruned.Images, ConfirmationImages = picks.ConfirmationImages,
            Finalists = [.. picks.Uniform.Finalists, .. picks.Hass.Finalists],
        };
        if (campaign is not null) store.SaveCampaign(campaign with { Final = summary });
        return summary;
    }

    private static string? JoinNotes(string? first, string? second) =>
        first is null ? second : second is null ? first : $"{first}; {second}";

    private static FinalRow PickRow(string label, TrialRecord trial, double testTop1, PickResult pick, PickCapNote? capNote, string backend, double denseThroughput, double? uniformThroughput)
    {
        var throughput = Objective.Throughput(trial);
        return new FinalRow
        {
            Label = label, Campaign = trial.Campaign, Trial = trial.Number, SearchTop1 = trial.Accuracy ?? double.NaN, TestTop1 = testTop1,
            ConfirmationTop1 = pick.ConfirmationTop1, Note = JoinNotes(pick.Note, capNote?.Text), NextLevelBoardScale = capNote?.NextLevelBoardScale,
            WeightSparsity = trial.WeightSparsity, ActivationSparsity = trial.ActivationSparsity, EffectiveSparsity = trial.EffectiveSparsity,
            Throughput = throughput, ThroughputFidelity = trial.ThroughputFidelity, Dsp = trial.Design?.Resources.Dsp ?? 0,
            GopsPerDsp = trial.Design?.Performance.GopPerSecondPerDsp ?? 0, Backend = trial.Design?.Backend ?? backend,
            SpeedupOverDense = throughput / denseThroughput,
            SpeedupOverUniform = label == "hass" && uniformThroughput is > 0 ? throughput / uniformThroughput : null,
        };
    }
}
