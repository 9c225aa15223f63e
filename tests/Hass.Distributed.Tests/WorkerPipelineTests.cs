using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Testing;

namespace Hass.Distributed.Tests;

/// <summary>A worker designs a trial with the options a local run uses, quantisation widths and seed included.</summary>
public class WorkerPipelineTests
{
    private sealed class OneLayerEvaluator : ITrialEvaluator
    {
        public NetworkGraph Graph { get; } = new() { Name = "g", Layers = [] };
        public string Fingerprint => "f";
        public SearchSpace SearchSpace { get; } = new([]);

        public EvaluationOutcome Evaluate(ParameterSet parameters, EvaluationRequest request, CancellationToken cancellationToken = default) =>
            new() { Top1 = 90, Images = 10, Profile = new SparsityProfile { Model = "g", Layers = [] } };

        public DeployableNetwork Export(ParameterSet parameters) => throw new NotSupportedException();
        public float[] CalibrationImages(int count) => throw new NotSupportedException();
        public void Dispose() { }
    }

    [Fact]
    public async Task A_quantised_campaign_is_designed_at_its_widths_and_seed_as_locally()
    {
        var spec = CampaignLoader.Parse("""
            { "name": "q8", "model": "m", "pruning": "p", "backend": "recording", "board": "b", "strategy": "s", "seed": 7,
              "budget": { "trials": 5 }, "quantisation": { "activationBits": 8, "weightBits": 8 } }
            """, "test");
        var board = new BoardSpec { Name = "b", Dsp = 10, Bram18 = 10, Lut = 1000, Ff = 1000, ClockMhz = 100, MemoryBandwidthGbps = 1 };
        var backend = new RecordingBackend(_ => 1);
        var record = new TrialRecord { Campaign = "q8", Number = 1, State = TrialState.Running, Parameters = new ParameterSet(new Dictionary<string, double>()) };
        var assignment = new TrialAssignment { Lease = 1, RecordJson = HassJson.Serialize(record), RequestJson = HassJson.Serialize(new EvaluationRequest { Split = "search" }) };

        var result = await new WorkerPipeline(new OneLayerEvaluator(), spec, board, backend).RunAsync(assignment, CancellationToken.None);

        Assert.Null(result.Error);
        var options = Assert.Single(backend.Calls).Options;
        Assert.Equal(spec.TrialDesignOptions, options);
        Assert.Equal((8, 8, 7), (options.DataBits, options.WeightBits, options.Seed));
    }
}
