using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Running;
using Hass.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Engine.Tests;

/// <summary>What strategies are told: values, violations and the metric keys of the working agreement, live and on resume.</summary>
public class TellTests
{
    private sealed class RecordingFactory : ISearchStrategyFactory
    {
        public List<TrialOutcome> Told { get; } = [];
        public string Name => "recording";
        public string Description => "test: random points, records what it is told";
        public ISearchStrategy Create() => new Recording(Told);
    }

    private sealed class Recording(List<TrialOutcome> told) : ISearchStrategy
    {
        private Random _random = new(0);
        private SearchSpace _space = new([]);
        private int _asked;
        public void Initialize(StrategyContext context) { _space = context.Space; _random = new Random(context.Seed); }
        public TrialSuggestion Ask() => new(_asked++, new ParameterSet(_space.Dimensions.ToDictionary(d => d.Name, d => Math.Round(d.Low + _random.NextDouble() * (d.High - d.Low), 4))));
        public void Tell(TrialOutcome outcome)
        {
            while (_asked <= outcome.Number) Ask(); // the SDK's replay rule: a fresh instance asks up to a told number first
            told.Add(outcome);
        }
        public void Enqueue(ParameterSet parameters, string origin) { }
    }

    [Fact]
    public async Task Outcomes_carry_values_violations_and_metrics_and_replay_identically()
    {
        var factory = new RecordingFactory();
        var (provider, components) = TestEnvironment.SyntheticComponents(s => s.AddHassComponent<ISearchStrategyFactory>(ComponentKind.Search, factory));
        using var _ = provider;
        var spec = CampaignLoader.Parse(File.ReadAllText(TestEnvironment.SyntheticCampaign), "s.json",
            new CampaignOverrides { Trials = 20, Strategy = "recording" }) with { EarlyStop = new EarlyStopSpec { DropFactor = 1.2 } };
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        using (var store = HassStore.Open(db))
            await new CampaignSearch(spec, "s.json", store, components, TestEnvironment.Boards()).RunAsync(default);

        var live = factory.Told.ToList();
        Assert.Equal(20, live.Count);
        string[] all = ["accuracy", "accuracyDrop", "throughput", "gopsPerDsp", "latency", "effectiveSparsity", "weightSparsity", "activationSparsity", "smoothedDrop"];
        IReadOnlyList<TrialRecord> stored;
        using (var store = HassStore.Open(db)) stored = store.Trials(spec.Name);
        foreach (var o in live.Where(o => o.State == TrialState.Complete))
        {
            Assert.Equal(all.Order(), o.Metrics!.Keys.Where(k => !k.Contains(':')).Order());
            // Per-layer hardware metrics: every design layer's cycles (stage interval) and every profiled layer's sparsity.
            var record = stored.First(t => t.State == TrialState.Complete && t.Parameters.Equals(o.Parameters));
            Assert.Equal(record.SmoothedDrop, o.Metrics[OutcomeMetrics.SmoothedDrop]);
            Assert.NotEmpty(record.Design!.Layers);
            Assert.All(record.Design.Layers, l => Assert.Equal(l.Cycles, o.Metrics[OutcomeMetrics.CyclesPrefix + l.Layer]));
            Assert.NotEmpty(record.LayerSparsity);
            Assert.All(record.LayerSparsity, kv => Assert.Equal(kv.Value, o.Metrics[OutcomeMetrics.SparsityPrefix + kv.Key]));
            // And every layer's share of the resource that binds the design on the campaign's board.
            var shares = BoardUtilisation.BindingShares(record.Design, TestEnvironment.Boards().Get(spec.Board)).ToList();
            Assert.NotEmpty(shares);
            Assert.All(shares, s => Assert.Equal(s.Share, o.Metrics[OutcomeMetrics.ResourcePrefix + s.Layer]));
            // And every layer's floor, where the backend gives one.
            var floors = record.Design.Layers.Where(l => l.FloorCycles is not null).ToList();
            Assert.All(floors, l => Assert.Equal(l.FloorCycles!.Value, o.Metrics[OutcomeMetrics.FloorPrefix + l.Layer]));
            Assert.Equal(record.Design.Layers.Count + floors.Count + record.LayerSparsity.Count + shares.Count, o.Metrics.Keys.Count(k => k.Contains(':')));
            Assert.Equal(o.Metrics["throughput"], o.Values[0]);
            Assert.Equal(o.Metrics["accuracyDrop"] - 1.0, o.ConstraintViolation, 9);
        }
        var pruned = live.Where(o => o.State == TrialState.Pruned).ToList();
        Assert.NotEmpty(pruned);
        Assert.All(pruned, o => { Assert.Empty(o.Values); Assert.True(o.ConstraintViolation > 0.2); Assert.True(o.Metrics!.ContainsKey("accuracyDrop")); });

        factory.Told.Clear();
        using (var store = HassStore.Open(db))
            await new CampaignSearch(spec with { Budget = new BudgetSpec { Trials = 20 } }, "s.json", store, components, TestEnvironment.Boards()).RunAsync(default);
        Assert.Equal(live.Select(o => HassJson.Serialize(o)), factory.Told.Select(o => HassJson.Serialize(o)));
    }
}

/// <summary>The per-layer floor metric, from a design whose backend gives floors (the toy backend of the test above does not).</summary>
public class FloorMetricTests
{
    [Fact]
    public void Each_layer_with_a_floor_is_told_as_floor_metric_and_a_layer_without_one_is_not()
    {
        var design = new HardwareDesign
        {
            Backend = "b", BackendVersion = "1", Board = "board", Graph = "g", Resources = ResourceUsage.Zero,
            Performance = new Performance { ThroughputImagesPerSecond = 1000, IntervalCycles = 500 },
            Layers =
            [
                new LayerDesign { Layer = "conv1", Kind = LayerKind.Conv, Folding = LayerFolding.Unit, Cycles = 500, FloorCycles = 300 },
                new LayerDesign { Layer = "relu1", Kind = LayerKind.ReLU, Folding = LayerFolding.Unit, Cycles = 400 },
            ],
        };
        var trial = new TrialRecord
        {
            Campaign = "c", Number = 1, State = TrialState.Complete, Parameters = new ParameterSet(new Dictionary<string, double>()),
            Accuracy = 90, Design = design, ObjectiveValues = [1000],
        };
        var metrics = new TrialOutcomes(new Objective(new ObjectiveSpec())).MetricsOf(trial)!;
        Assert.Equal(300, metrics[OutcomeMetrics.FloorPrefix + "conv1"]);
        Assert.False(metrics.ContainsKey(OutcomeMetrics.FloorPrefix + "relu1"));
        Assert.Equal(400, metrics[OutcomeMetrics.CyclesPrefix + "relu1"]);
    }
}
