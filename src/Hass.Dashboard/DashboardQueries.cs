using Hass.Abstractions;
using Hass.Engine.Reports;
using Hass.Engine.Running;
using Hass.Engine.Storage;

namespace Hass.Dashboard;

/// <summary>Reads the store and shapes what the API returns. Every read goes through the one HassStore instance.</summary>
internal sealed class DashboardQueries(DashboardOptions options)
{
    private HassStore Store => options.Store;

    public IReadOnlyList<CampaignSummary> Campaigns() =>
        Store.Campaigns().Select(c => Summarise(c, Store.Trials(c.Name))).ToList();

    public CampaignDetail? Campaign(string name)
    {
        if (Store.GetCampaign(name) is not { } campaign) return null;
        var trials = Store.Trials(name);
        var byHash = trials.Where(t => t.Design is not null).GroupBy(t => t.Design!.DesignHash())
            .ToDictionary(g => g.Key, g => (IReadOnlyList<int>)g.Select(t => t.Number).ToList());
        var measurements = Store.Measurements().Where(m => byHash.ContainsKey(m.DesignHash))
            .Select(m => new MeasuredDesign(m.DesignHash, m.BoardId, m.Fidelity.ToString(), m.PredictedImagesPerSecond, m.MedianImagesPerSecond, byHash[m.DesignHash]))
            .ToList();
        var calibration = Store.GetCalibration(campaign.Spec.Backend.Name, campaign.Spec.Board);
        return new CampaignDetail(Summarise(campaign, trials), campaign.Final, measurements,
            new CalibrationView(calibration.Backend, calibration.Board, calibration.Factor, calibration.Samples));
    }

    public IReadOnlyList<TrialRow>? Trials(string name) =>
        Store.GetCampaign(name) is null ? null : Store.Trials(name).Select(TrialRow.From).ToList();

    public string? TrialsCsv(string name) => Store.GetCampaign(name) is { } campaign
        ? CampaignReport.TrialsCsv(Store.Trials(name).Select(t => CampaignReport.Summarise(t, campaign.BaselineTop1)))
        : null;

    public bool HasCampaign(string name) => Store.GetCampaign(name) is not null;

    public TrialRecord? Trial(string name, int number) => Store.GetTrial(name, number);

    /// <summary>The design of a stored trial, or null when it has none (pruned, failed or still running).</summary>
    public DesignView? Design(TrialRecord trial)
    {
        if (trial.Design is not { } design) return null;
        var board = options.Boards(design.Board);
        var hash = design.DesignHash();
        var layers = design.Layers.Select(l => new LayerView(l.Layer, l.Kind.ToString(), l.Partition, l.Folding, l.Folding.ToString(), l.Cycles, l.Sparse,
            trial.LayerSparsity.TryGetValue(l.Layer, out var s) ? s : null, l.Resources, l.Layer == design.Performance.BottleneckLayer)).ToList();
        return new DesignView(trial.Campaign, trial.Number, design.Backend, design.BackendVersion, design.Board, board, design.Graph, design.Performance,
            layers, design.Partitions, ResourceBars(design.Resources, board), design.Notes, hash,
            Store.Measurements().FirstOrDefault(m => m.DesignHash == hash));
    }

    private static IReadOnlyList<ResourceBar> ResourceBars(ResourceUsage used, BoardSpec? board)
    {
        ResourceBar Bar(string name, double value, int? available) =>
            new(name, value, available, available is > 0 ? value / available.Value : null);
        return
        [
            Bar("DSP", used.Dsp, board?.Dsp), Bar("LUT", used.Lut, board?.Lut), Bar("FF", used.Ff, board?.Ff),
            Bar("BRAM18", used.Bram18, board?.Bram18), Bar("URAM", used.Uram, board?.Uram),
        ];
    }

    /// <summary>Counts, rate, ETA, best and Pareto set of one campaign (the figures of `hass status`).</summary>
    public static CampaignSummary Summarise(CampaignDocument campaign, IReadOnlyList<TrialRecord> trials)
    {
        var objective = new Objective(campaign.Spec.Objective);
        var best = objective.Best(trials);
        var counted = trials.Count(t => t.State != TrialState.Abandoned);
        var finished = trials.Count(t => t.State is TrialState.Complete or TrialState.Pruned or TrialState.Failed);
        double? rate = campaign.ElapsedSeconds > 0 && finished > 0 ? finished / (campaign.ElapsedSeconds / 60) : null;
        return new CampaignSummary(
            CampaignState.From(campaign), counted,
            trials.GroupBy(t => t.State.ToString()).ToDictionary(g => g.Key, g => g.Count()),
            trials.Count(t => t.State == TrialState.Complete && t.Feasible),
            trials.Count(t => t.EvaluationCacheHit), trials.Count(t => t.DesignCacheHit),
            rate, Eta(campaign, counted, rate),
            best?.Number, best is null ? null : Objective.Throughput(best), best?.Accuracy,
            Objective.ParetoFront(trials).Select(t => t.Number).ToList());
    }

    private static double? Eta(CampaignDocument campaign, int counted, double? trialsPerMinute)
    {
        if (campaign.Status != CampaignStatus.Running) return campaign.Status == CampaignStatus.Complete ? 0 : null;
        double? byTrials = campaign.Spec.Budget.Trials is { } budget && trialsPerMinute is > 0 ? Math.Max(0, budget - counted) / trialsPerMinute.Value * 60 : null;
        double? byWall = campaign.Spec.Budget.WallTime is { } wall ? Math.Max(0, wall.TotalSeconds - campaign.ElapsedSeconds) : null;
        return (byTrials, byWall) switch
        {
            ({ } t, { } w) => Math.Min(t, w),
            ({ } t, null) => t,
            (null, { } w) => w,
            _ => null,
        };
    }
}
