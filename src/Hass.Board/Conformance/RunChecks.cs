using Hass.Board.Protocol;
using static Hass.Board.Conformance.ConformanceContext;

namespace Hass.Board.Conformance;

/// <summary>RUN bounds and RUN_RESULTS (PROTOCOL.md §4.5).</summary>
public static class RunChecks
{
    private const string Group = "run";

    private static async Task ExpectRefusedAsync(ConformanceContext c, RunRequest run, CancellationToken ct)
    {
        await c.EnsureRunnableAsync(ct);
        ExpectError(await c.RequestAsync(FrameType.Run, run.Encode(), ct), ErrorCode.BadPayload);
    }

    public static IReadOnlyList<ConformanceCheck> All { get; } =
    [
        new(Group, "RUN of 0 images is BAD_PAYLOAD", (c, ct) => ExpectRefusedAsync(c, c.Run(0, 4), ct)),
        new(Group, "RUN of 1 image + 2^32-1 warm-up (overflows 32 bits) is BAD_PAYLOAD", (c, ct) => ExpectRefusedAsync(c, c.Run(1, uint.MaxValue), ct)),
        new(Group, "RUN of 2^32-1 images is BAD_PAYLOAD", (c, ct) => ExpectRefusedAsync(c, c.Run(uint.MaxValue), ct)),
        new(Group, "RUN with an unknown image source is BAD_PAYLOAD", (c, ct) => ExpectRefusedAsync(c, c.Run(1) with { Source = (ImageSource)9 }, ct)),
        new(Group, "a run completes with consistent RUN_RESULTS", async (c, ct) =>
        {
            await c.EnsureRunnableAsync(ct);
            var accepted = RunAccepted.Decode(Expect(await c.RequestAsync(FrameType.Run, c.Run(4, 1).Encode(), ct), FrameType.RunAccepted));
            if (accepted.DesignId != c.DeployedDesignId) throw new ConformanceFailure($"RUN_ACCEPTED names design {accepted.DesignId}, the deployed one is {c.DeployedDesignId}");
            var r = await c.WaitForResultsAsync(accepted.RunId, ct);
            bool layersOk = r.Layers.Count == TestDesign.Design(c.Info.BoardName).Layers.Count || (r.Layers.Count == 0 && !c.Info.Features.HasFlag(BoardFeatures.LayerCycles));
            if (r.State != RunState.Done || r.RunId != accepted.RunId || r.DesignId != accepted.DesignId || r.Images != 4 || r.Warmup != 1
                || r.ImagesDone != 5 || r.TotalCycles == 0 || r.ClockKHz == 0 || !layersOk || r.Predictions.Count > 4)
                throw new ConformanceFailure($"RUN_RESULTS: state {r.State} run {r.RunId} design {r.DesignId} images {r.Images}+{r.Warmup} done {r.ImagesDone} cycles {r.TotalCycles} clock {r.ClockKHz} layers {r.Layers.Count} {r.Message}");
        }),
    ];
}
