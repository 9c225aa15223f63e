using System.Globalization;
using System.Text;
using Hass.Abstractions;
using Hass.Engine.Running;
using Hass.Engine.Storage;

namespace Hass.Engine.Reports;

public sealed record TrialSummary(int Number, string State, string Origin, double? Accuracy, double? AccuracyDrop, double? Throughput,
    double? PredictedThroughput, double? MeasuredThroughput, string Fidelity, double? GopsPerDsp, double? Latency, double? Dsp,
    double WeightSparsity, double ActivationSparsity, double EffectiveSparsity, bool Feasible, double ConstraintViolation,
    bool EvaluationCacheHit, bool DesignCacheHit, double TotalSeconds, string? Error);

public sealed record StageMedians(double Evaluate, double Profile, double Design, double Measure, double Total);

public sealed record PredictedVsMeasured(string DesignHash, string BoardId, string Fidelity, double Predicted, double Measured);

/// <summary>What `hass report` writes as report.json (CSV and plots are derived from the same data).</summary>
public sealed record CampaignReport
{
    public required string Campaign { get; init; }
    public required string Status { get; init; }
    public string? Message { get; init; }
    public required string Model { get; init; }
    public required string Backend { get; init; }
    public required string Board { get; init; }
    public required string Strategy { get; init; }
    public required string Objective { get; init; }
    public double Tolerance { get; init; }
    public double? BaselineTop1 { get; init; }
    public int Trials { get; init; }
    public IReadOnlyDictionary<string, int> States { get; init; } = new Dictionary<string, int>();
    public int EvaluationCacheHits { get; init; }
    public int DesignCacheHits { get; init; }
    public int WarmStarts { get; init; }
    public int Resumes { get; init; }
    public double ElapsedSeconds { get; init; }
    public TrialSummary? Best { get; init; }
    public IReadOnlyList<TrialSummary> Pareto { get; init; } = [];
    public StageMedians? MedianTimings { get; init; }
    public IReadOnlyList<PredictedVsMeasured> Measurements { get; init; } = [];
    public double? CalibrationFactor { get; init; }
    public IReadOnlyList<TrialSummary> AllTrials { get; init; } = [];

    public static CampaignReport Build(HassStore store, CampaignDocument campaign)
    {
        var trials = store.Trials(campaign.Name);
        var spec = campaign.Spec;
        var objective = new Objective(spec.Objective);
        var summaries = trials.Select(t => Summarise(t, campaign.BaselineTop1)).ToList();
        var completed = trials.Where(t => t.State == TrialState.Complete).ToList();
        var best = objective.Best(trials);
        var hashes = completed.Where(t => t.Design is not null).Select(t => t.Design!.DesignHash()).ToHashSet();
        var measurements = store.Measurements().Where(m => hashes.Contains(m.DesignHash))
            .Select(m => new PredictedVsMeasured(m.DesignHash, m.BoardId, m.Fidelity.ToString(), m.PredictedImagesPerSecond, m.MedianImagesPerSecond)).ToList();
        var calibration = store.GetCalibration(spec.Backend.Name, spec.Board);
        return new CampaignReport
        {
            Campaign = campaign.Name, Status = campaign.Status.ToString(), Message = campaign.Message, Model = spec.Model,
            Backend = spec.Backend.Name, Board = spec.Board, Strategy = spec.Strategy.Name,
            Objective = Campaigns.CampaignLoader.MetricName(spec.Objective.Metric), Tolerance = spec.Objective.ToleranceTop1,
            BaselineTop1 = campaign.BaselineTop1, Trials = trials.Count,
            States = trials.GroupBy(t => t.State.ToString()).ToDictionary(g => g.Key, g => g.Count()),
            EvaluationCacheHits = trials.Count(t => t.EvaluationCacheHit), DesignCacheHits = trials.Count(t => t.DesignCacheHit),
            WarmStarts = campaign.WarmStarts.Count, Resumes = campaign.Resumes, ElapsedSeconds = campaign.ElapsedSeconds,
            Best = best is null ? null : Summarise(best, campaign.BaselineTop1),
            Pareto = Running.Objective.ParetoFront(trials).Select(t => Summarise(t, campaign.BaselineTop1)).ToList(),
            MedianTimings = completed.Count == 0 ? null : new StageMedians(
                Statistics.Median(completed.Select(t => t.Timings.Evaluate)), Statistics.Median(completed.Select(t => t.Timings.Profile)),
                Statistics.Median(completed.Select(t => t.Timings.Design)), Statistics.Median(completed.Select(t => t.Timings.Measure)),
                Statistics.Median(completed.Select(t => t.Timings.Total))),
            Measurements = measurements,
            CalibrationFactor = calibration.Samples.Count > 0 ? calibration.Factor : null,
            AllTrials = summaries,
        };
    }

    public static TrialSummary Summarise(TrialRecord t, double? baseline) => new(
        t.Number, t.State.ToString(), t.Origin, t.Accuracy, t.Accuracy is { } a && baseline is { } b ? b - a : null,
        t.Design is null ? null : Running.Objective.Throughput(t), t.PredictedThroughput, t.MeasuredThroughput,
        t.ThroughputFidelity.ToString(), t.Design?.Performance.GopPerSecondPerDsp, t.Design?.Performance.LatencySeconds,
        t.Design?.Resources.Dsp, t.WeightSparsity, t.ActivationSparsity, t.EffectiveSparsity, t.Feasible, t.ConstraintViolation,
        t.EvaluationCacheHit, t.DesignCacheHit, t.Timings.Total, t.Error);

    /// <summary>One row per trial, invariant culture, RFC 4180 quoting.</summary>
    public static string TrialsCsv(IEnumerable<TrialSummary> trials)
    {
        var sb = new StringBuilder();
        sb.AppendLine("number,state,origin,accuracy,accuracyDrop,throughput,predictedThroughput,measuredThroughput,fidelity,gopsPerDsp,latency,dsp,weightSparsity,activationSparsity,effectiveSparsity,feasible,constraintViolation,evaluationCacheHit,designCacheHit,totalSeconds,error");
        foreach (var t in trials)
        {
            string[] cells =
            [
                t.Number.ToString(CultureInfo.InvariantCulture), t.State, t.Origin, N(t.Accuracy), N(t.AccuracyDrop), N(t.Throughput),
                N(t.PredictedThroughput), N(t.MeasuredThroughput), t.Fidelity, N(t.GopsPerDsp), N(t.Latency), N(t.Dsp),
                N(t.WeightSparsity), N(t.ActivationSparsity), N(t.EffectiveSparsity), t.Feasible ? "true" : "false", N(t.ConstraintViolation),
                t.EvaluationCacheHit ? "true" : "false", t.DesignCacheHit ? "true" : "false", N(t.TotalSeconds), t.Error ?? "",
            ];
            sb.AppendLine(string.Join(",", cells.Select(Quote)));
        }
        return sb.ToString();
    }

    private static string N(double? d) => d is { } v ? v.ToString("G9", CultureInfo.InvariantCulture) : "";
    /// <summary>A CSV field (RFC 4180): quoted, with its quotes doubled, when it holds a comma, a quote or a line break.</summary>
    public static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
