using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Plugins;
using Hass.Engine.Running;
using Hass.Engine.Storage;
using Hass.Testing;

namespace Hass.Engine.Tests;

/// <summary>
/// The final table keeps the stop grace of the trial loop: after an interrupt, a backend's design call that ignores cancellation
/// is left behind once the grace is over, with one warning naming the backend, and nothing of the table is stored.
/// </summary>
public class FinalPhaseStopGraceTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    /// <summary>A design call that, once <see cref="Deaf"/> is set, blocks until released whatever its token says.</summary>
    private sealed class Switch : IDisposable
    {
        public volatile bool Deaf;
        public ManualResetEventSlim InOptimize { get; } = new();
        public ManualResetEventSlim Release { get; } = new();

        public double Throughput(double imagesPerSecond)
        {
            if (!Deaf) return imagesPerSecond;
            InOptimize.Set();
            Release.Wait(Long);
            return imagesPerSecond;
        }

        public void Dispose() => Release.Set();
    }

    [Theory]
    [InlineData("recording")]          // the dense design, the table's first design
    [InlineData("systolic-sparse")]    // the HASS pick on the non-dataflow backend, after the picks
    public async Task After_an_interrupt_a_design_call_deaf_to_cancellation_is_left_behind_after_the_grace_and_no_table_is_stored(string deafBackend)
    {
        using var deaf = new Switch();
        var campaignBackend = new RecordingBackend(_ => deafBackend == "recording" ? deaf.Throughput(1000) : 1000);
        var nonDataflow = new RecordingBackend(_ => deafBackend == NonDataflowRow.Backend ? deaf.Throughput(500) : 500, NonDataflowRow.Backend);
        var spec = CampaignLoader.Parse(File.ReadAllText(TestEnvironment.SyntheticCampaign).Replace("\"name\": \"toy\"", "\"name\": \"recording\""),
            "synthetic.json", new CampaignOverrides { Trials = 6 });
        var (provider, components) = TestEnvironment.SyntheticComponents(s => s
            .AddHassComponent<IAcceleratorBackend>(ComponentKind.Backend, campaignBackend)
            .AddHassComponent<IAcceleratorBackend>(ComponentKind.Backend, nonDataflow));
        using var _ = provider;
        using var store = HassStore.Open(Path.Combine(TestEnvironment.TempDir(), "hass.db"));
        Assert.Equal(CampaignStatus.Complete, (await new CampaignSearch(spec, "synthetic.json", store, components, TestEnvironment.Boards()).RunAsync(default)).Status);

        deaf.Deaf = true;
        var warnings = new List<string>();
        using var cts = new CancellationTokenSource();
        var table = Task.Run(() => FinalPhase.Build(spec, store, components, TestEnvironment.Boards(), _ => { }, warnings.Add, cts.Token,
            new StopGrace(TimeSpan.FromMilliseconds(300))));
        Assert.True(deaf.InOptimize.Wait(Long));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => table.WaitAsync(Long));
        Assert.Equal([$"the final table did not stop within 0.3 s of the interrupt: backend '{deafBackend}' ignores cancellation; " +
                      "its design call is left behind, and running the same command again makes the table"], warnings);
        Assert.Null(store.GetCampaign(spec.Name)!.Final);
    }
}
