using Hass.Board.Protocol;
using static Hass.Board.Conformance.ConformanceContext;

namespace Hass.Board.Conformance;

/// <summary>RESET (PROTOCOL.md §4.3) and what a RUN or RESULTS gets on a board without a design.</summary>
public static class ResetChecks
{
    private const string Group = "reset";

    private static async Task ResetAsync(ConformanceContext c, bool dropDesign, CancellationToken ct)
    {
        var done = Expect(await c.RequestAsync(FrameType.Reset, new ResetRequest(dropDesign).Encode(), ct), FrameType.ResetDone);
        if (done.Length < 4 || System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(done) != c.Info.BootId)
            throw new ConformanceFailure($"RESET_DONE does not carry the boot id {c.Info.BootId} of INFO");
    }

    /// <summary>Run first: they leave the board without a design or a staged transfer.</summary>
    public static IReadOnlyList<ConformanceCheck> First { get; } =
    [
        new(Group, "RESET 1 drops the design (STATUS design id 0)", async (c, ct) =>
        {
            await ResetAsync(c, dropDesign: true, ct);
            c.DeployedDesignId = 0;
            var status = await c.StatusAsync(ct);
            if (status.DesignId != 0) throw new ConformanceFailure($"STATUS says design {status.DesignId} after RESET 1");
        }),
        new("run", "RUN without a deployed design is NOT_DEPLOYED", async (c, ct) =>
            ExpectError(await c.RequestAsync(FrameType.Run, c.Run(1).Encode(), ct), ErrorCode.NotDeployed)),
        new("run", "RESULTS of an unknown run is NO_SUCH_RUN", async (c, ct) =>
            ExpectError(await c.RequestAsync(FrameType.Results, new ResultsRequest(0xFFFF_FFF0).Encode(), ct), ErrorCode.NoSuchRun)),
    ];

    /// <summary>Run last: RESET 0 keeps the design, RESET 1 drops it.</summary>
    public static IReadOnlyList<ConformanceCheck> Last { get; } =
    [
        new(Group, "RESET 0 drops staged transfers and keeps the design", async (c, ct) =>
        {
            if (c.DeployedDesignId == 0) await c.DeployTestDesignAsync(ct);
            var blob = TestDesign.Package(c.Info.BoardName);
            await c.BeginAsync(TransferSlot.Design, blob, ct);
            await c.SendBlocksAsync(TransferSlot.Design, blob, 0, 1, ct);
            await ResetAsync(c, dropDesign: false, ct);
            var state = TransferState.Decode(Expect(await c.RequestAsync(FrameType.TransferQuery, new SlotRequest(TransferSlot.Design).Encode(), ct), FrameType.TransferState));
            if (state.BlockCount != 0) throw new ConformanceFailure($"QUERY still reports {state.BlocksReceived} of {state.BlockCount} blocks after RESET 0");
            var status = await c.StatusAsync(ct);
            if (status.DesignId != c.DeployedDesignId) throw new ConformanceFailure($"STATUS says design {status.DesignId} after RESET 0, expected {c.DeployedDesignId}");
        }),
        new(Group, "RESET 1 drops the deployed design; RUN is then NOT_DEPLOYED", async (c, ct) =>
        {
            if (c.DeployedDesignId == 0) await c.DeployTestDesignAsync(ct);
            await ResetAsync(c, dropDesign: true, ct);
            c.DeployedDesignId = 0;
            var status = await c.StatusAsync(ct);
            if (status.DesignId != 0) throw new ConformanceFailure($"STATUS says design {status.DesignId} after RESET 1");
            ExpectError(await c.RequestAsync(FrameType.Run, c.Run(1).Encode(), ct), ErrorCode.NotDeployed);
        }),
    ];
}
