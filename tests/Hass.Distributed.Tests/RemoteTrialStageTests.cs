using Hass.Abstractions;
using Hass.Engine.Running.Pipeline;
using Hass.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hass.Distributed.Tests;

/// <summary>
/// The owner's remote stage with a real dispatch and a worker session (no cluster): what a worker sends is checked as the
/// owner's own evaluator and backend would be, and a bad evaluation or design fails the trial naming the worker.
/// </summary>
public class RemoteTrialStageTests
{
    private static readonly NetworkGraph Graph = new()
    {
        Name = "g", Layers = [new Layer { Name = "conv", Kind = LayerKind.Conv, InputShape = new TensorShape(1, 4, 4), OutputShape = new TensorShape(1, 4, 4) }],
    };
    private static readonly BoardSpec Board = new() { Name = "b", Dsp = 10, Bram18 = 10, Lut = 1000, Ff = 1000, ClockMhz = 100, MemoryBandwidthGbps = 1 };

    private static readonly EvaluationOutcome Good = new()
    {
        Top1 = 89.5, Images = 100,
        Profile = new SparsityProfile { Model = "g", Layers = [new LayerSparsity { Layer = "conv", KernelSize = 1, Histogram = [[0.5, 0.5]], EffectiveSparsity = 0.5 }] },
    };

    private static HardwareDesign Design(double throughput) =>
        new RecordingBackend(_ => throughput).Optimize(Graph, Good.Profile!, Board, new DesignOptions());

    /// <summary>Runs the stage for one trial that worker "w-7" answers with <paramref name="evaluation"/> and <paramref name="design"/>.</summary>
    private static async Task Run(TrialWork work, EvaluationOutcome evaluation, HardwareDesign? design)
    {
        var dispatch = new TrialDispatch(new ClusterSettings { Address = ClusterAddress.Parse("local"), ClusterId = "c", Secret = TrialDispatchTests.Secret },
            NullLogger<TrialDispatch>.Instance);
        dispatch.Open(TrialDispatchTests.Identity);
        var session = TrialDispatchTests.Session(dispatch, "w-7");
        var running = new RemoteTrialStage(dispatch, Graph, Board).RunAsync(work, CancellationToken.None);
        var lease = (await dispatch.TakeAsync(session, TimeSpan.FromSeconds(30))).Assignment!.Lease;
        Assert.True(dispatch.Complete(session, new TrialResult
        {
            Lease = lease, EvaluationJson = HassJson.Serialize(evaluation), DesignJson = design is null ? null : HassJson.Serialize(design), Worker = "forged",
        }));
        await running.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static TrialWork Work() =>
        new(new TrialRecord { Campaign = "c", Number = 3, State = TrialState.Running, Parameters = new ParameterSet(new Dictionary<string, double>()) },
            new EvaluationRequest { Profile = true }, []);

    [Fact]
    public async Task A_sound_evaluation_and_design_from_a_worker_are_taken()
    {
        var work = Work();
        await Run(work, Good, Design(1000));
        Assert.Equal(89.5, work.Evaluation!.Top1);
        Assert.Equal(1000, work.Design!.Performance.ThroughputImagesPerSecond);
    }

    [Theory]
    [InlineData(double.NaN, 100, "sent an evaluation with a top-1 of NaN% (it must be a finite percentage in [0, 100])")]
    [InlineData(150, 100, "sent an evaluation with a top-1 of 150%")]
    [InlineData(89.5, 0, "sent an evaluation of 0 images")]
    public async Task A_worker_sending_a_bad_evaluation_fails_the_trial_naming_the_worker(double top1, int images, string what)
    {
        var work = Work();
        var e = await Assert.ThrowsAsync<RemoteTrialException>(() => Run(work, Good with { Top1 = top1, Images = images }, Design(1000)));
        Assert.True(work.Evaluation is null && work.Design is null);
        Assert.StartsWith($"worker 'w-7' {what}", e.Message);
        Assert.EndsWith("the owner refused it: check that worker's engine and plugins (hass plugins) against the owner's", e.Message);
    }

    [Theory]
    [InlineData(double.NaN, "sent a design with a throughput of NaN images/s (it must be a finite number above 0)")]
    [InlineData(double.PositiveInfinity, "sent a design with a throughput of Infinity images/s")]
    public async Task A_worker_sending_a_bad_design_fails_the_trial_naming_the_worker_and_nothing_reaches_the_trial(double throughput, string what)
    {
        var work = Work();
        var e = await Assert.ThrowsAsync<RemoteTrialException>(() => Run(work, Good, Design(throughput)));
        Assert.StartsWith($"worker 'w-7' {what}", e.Message);
        Assert.True(work.Evaluation is null && work.Design is null);
    }
}
