using Hass.Board.Protocol;
using static Hass.Board.Conformance.ConformanceContext;

namespace Hass.Board.Conformance;

/// <summary>Sequence numbers and the reply cache (PROTOCOL.md §7): a re-sent request is answered, not executed again.</summary>
public static class SequenceChecks
{
    private const string Group = "sequence";

    public static IReadOnlyList<ConformanceCheck> All { get; } =
    [
        new(Group, "a re-sent COMMIT (same seq) gets the same reply and commits once", async (c, ct) =>
        {
            var blob = TestDesign.Package(c.Info.BoardName);
            await c.BeginAsync(TransferSlot.Design, blob, ct);
            await c.SendBlocksAsync(TransferSlot.Design, blob, 0, Blocks(blob), ct);
            ushort seq = c.Link.NextSequence();
            var commit = new TransferCommit(TransferSlot.Design, PackageHash.Sha256(blob)).Encode();
            var first = Expect(await c.RequestAsync(FrameType.TransferCommit, commit, ct, seq), FrameType.Committed);
            c.DeployedDesignId = Committed.Decode(first).Id;
            var again = await c.RequestAsync(FrameType.TransferCommit, commit, ct, seq);
            if (again.Type != FrameType.Committed || !again.Payload.AsSpan().SequenceEqual(first))
                throw new ConformanceFailure($"the re-sent COMMIT got {Describe(again)} instead of the first COMMITTED again");
            var status = await c.StatusAsync(ct);
            if (status.DesignId != c.DeployedDesignId) throw new ConformanceFailure($"STATUS says design {status.DesignId} after one commit of design {c.DeployedDesignId}");
        }),
        new(Group, "a re-sent RUN (same seq) gets the same reply and starts no second run", async (c, ct) =>
        {
            await c.EnsureRunnableAsync(ct);
            ushort seq = c.Link.NextSequence();
            var run = c.Run(2).Encode();
            var first = Expect(await c.RequestAsync(FrameType.Run, run, ct, seq), FrameType.RunAccepted);
            var again = await c.RequestAsync(FrameType.Run, run, ct, seq);
            var accepted = RunAccepted.Decode(first);
            await c.WaitForResultsAsync(accepted.RunId, ct);
            if (again.Type != FrameType.RunAccepted || !again.Payload.AsSpan().SequenceEqual(first))
                throw new ConformanceFailure($"the re-sent RUN got {Describe(again)} instead of RUN_ACCEPTED for run {accepted.RunId} again");
            var status = await c.StatusAsync(ct);
            if (status.LastRunId != accepted.RunId) throw new ConformanceFailure($"STATUS says last run {status.LastRunId}; only run {accepted.RunId} was started");
        }),
        new(Group, "the same request with a new seq is executed again", async (c, ct) =>
        {
            await c.EnsureRunnableAsync(ct);
            var run = c.Run(1).Encode();
            var first = RunAccepted.Decode(Expect(await c.RequestAsync(FrameType.Run, run, ct), FrameType.RunAccepted));
            await c.WaitForResultsAsync(first.RunId, ct);
            var second = RunAccepted.Decode(Expect(await c.RequestAsync(FrameType.Run, run, ct), FrameType.RunAccepted));
            await c.WaitForResultsAsync(second.RunId, ct);
            if (second.RunId <= first.RunId) throw new ConformanceFailure($"run ids do not increase: {first.RunId}, then {second.RunId}");
        }),
    ];
}
