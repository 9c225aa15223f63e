using Hass.Board.Protocol;
using static Hass.Board.Conformance.ConformanceContext;

namespace Hass.Board.Conformance;

/// <summary>Chunked, resumable transfers and atomic commit (PROTOCOL.md §4.4), image sets (§6.2).</summary>
public static class TransferChecks
{
    private const string Group = "transfer";

    private static byte[] Blob(ConformanceContext c) => TestDesign.Package(c.Info.BoardName);

    private static async Task<TransferState> QueryAsync(ConformanceContext c, TransferSlot slot, CancellationToken ct) =>
        TransferState.Decode(Expect(await c.RequestAsync(FrameType.TransferQuery, new SlotRequest(slot).Encode(), ct), FrameType.TransferState));

    private static Task<Frame> CommitAsync(ConformanceContext c, byte[] sha, CancellationToken ct, TransferSlot slot = TransferSlot.Design) =>
        c.RequestAsync(FrameType.TransferCommit, new TransferCommit(slot, sha).Encode(), ct);

    private static async Task ExpectDesignStaysAsync(ConformanceContext c, CancellationToken ct)
    {
        var status = await c.StatusAsync(ct);
        if (status.DesignId != c.DeployedDesignId) throw new ConformanceFailure($"STATUS says design {status.DesignId}; the live design {c.DeployedDesignId} should have stayed");
    }

    public static IReadOnlyList<ConformanceCheck> All { get; } =
    [
        new(Group, "BEGIN starts an empty transfer with the right block count", async (c, ct) =>
        {
            var blob = Blob(c);
            var state = await c.BeginAsync(TransferSlot.Design, blob, ct);
            if (state.BlockCount != Blocks(blob) || state.BlocksReceived != 0 || state.TotalBytes != (ulong)blob.Length)
                throw new ConformanceFailure($"TRANSFER_STATE says {state.BlocksReceived} of {state.BlockCount} blocks of {state.TotalBytes} bytes; expected 0 of {Blocks(blob)} of {blob.Length}");
        }),
        new(Group, "BEGIN with the same hash resumes the blocks held; QUERY agrees", async (c, ct) =>
        {
            var blob = Blob(c);
            uint half = Blocks(blob) / 2;
            await c.SendBlocksAsync(TransferSlot.Design, blob, 0, half, ct);
            var resumed = await c.BeginAsync(TransferSlot.Design, blob, ct);
            if (resumed.BlocksReceived != half || !resumed.Has(0) || resumed.Has(half))
                throw new ConformanceFailure($"after {half} blocks, BEGIN again reports {resumed.BlocksReceived} received");
            var query = await QueryAsync(c, TransferSlot.Design, ct);
            if (query.BlocksReceived != half || !query.Bitmap.AsSpan().SequenceEqual(resumed.Bitmap))
                throw new ConformanceFailure($"QUERY reports {query.BlocksReceived} blocks, BEGIN {resumed.BlocksReceived}");
        }),
        new(Group, "COMMIT with blocks missing is TRANSFER_INCOMPLETE", async (c, ct) =>
            ExpectError(await CommitAsync(c, PackageHash.Sha256(Blob(c)), ct), ErrorCode.TransferIncomplete)),
        new(Group, "a CHUNK outside the blob is BAD_PAYLOAD", async (c, ct) =>
            ExpectError(await c.RequestAsync(FrameType.TransferChunk, new TransferChunk(TransferSlot.Design, Blocks(Blob(c)) + 5, new byte[BlockSize]).Encode(), ct), ErrorCode.BadPayload)),
        new(Group, "a CHUNK that is not whole blocks is BAD_PAYLOAD", async (c, ct) =>
            ExpectError(await c.RequestAsync(FrameType.TransferChunk, new TransferChunk(TransferSlot.Design, 0, new byte[BlockSize / 2]).Encode(), ct), ErrorCode.BadPayload)),
        new(Group, "COMMIT naming another SHA-256 than BEGIN is HASH_MISMATCH", async (c, ct) =>
        {
            var blob = Blob(c);
            await c.SendBlocksAsync(TransferSlot.Design, blob, 0, Blocks(blob), ct);
            ExpectError(await CommitAsync(c, new byte[32], ct), ErrorCode.HashMismatch);
        }),
        new(Group, "a complete transfer commits; STATUS shows the new design", async (c, ct) =>
        {
            var committed = Committed.Decode(Expect(await CommitAsync(c, PackageHash.Sha256(Blob(c)), ct), FrameType.Committed));
            c.DeployedDesignId = committed.Id;
            if (!committed.Sha256.AsSpan().SequenceEqual(PackageHash.Sha256(Blob(c)))) throw new ConformanceFailure("COMMITTED carries another SHA-256");
            await ExpectDesignStaysAsync(c, ct);
        }),
        new(Group, "CHUNK and COMMIT without a staged transfer are NO_TRANSFER", async (c, ct) =>
        {
            ExpectError(await c.RequestAsync(FrameType.TransferChunk, new TransferChunk(TransferSlot.Design, 0, new byte[BlockSize]).Encode(), ct), ErrorCode.NoTransfer);
            ExpectError(await CommitAsync(c, PackageHash.Sha256(Blob(c)), ct), ErrorCode.NoTransfer);
        }),
        new(Group, "bytes that do not match their SHA-256 are HASH_MISMATCH; the design stays", async (c, ct) =>
        {
            var blob = Blob(c);
            var announced = PackageHash.Sha256([.. blob, 0]);
            await c.BeginAsync(TransferSlot.Design, blob, ct, announced);
            await c.SendBlocksAsync(TransferSlot.Design, blob, 0, Blocks(blob), ct);
            ExpectError(await CommitAsync(c, announced, ct), ErrorCode.HashMismatch);
            await ExpectDesignStaysAsync(c, ct);
        }),
        new(Group, "a transfer of 2^62 bytes is TOO_LARGE", async (c, ct) =>
            ExpectError(await c.RequestAsync(FrameType.TransferBegin, new TransferBegin(TransferSlot.Design, 1UL << 62, 65536, new byte[32], "selftest").Encode(), ct), ErrorCode.TooLarge)),
        new(Group, "a block size of 8 is BAD_PAYLOAD", async (c, ct) =>
            ExpectError(await c.RequestAsync(FrameType.TransferBegin, new TransferBegin(TransferSlot.Design, 1024, 8, new byte[32], "selftest").Encode(), ct), ErrorCode.BadPayload)),
        new(Group, "an unknown slot is BAD_PAYLOAD", async (c, ct) =>
            ExpectError(await c.RequestAsync(FrameType.TransferQuery, new SlotRequest((TransferSlot)7).Encode(), ct), ErrorCode.BadPayload)),
        new(Group, "an image set announcing 2^31 x 2^31 images is BAD_PAYLOAD", async (c, ct) =>
        {
            var header = ImageSet.Header(1u << 31, 1u << 31, 1, 1);
            ExpectError(await c.TransferAsync(TransferSlot.Images, header, ct), ErrorCode.BadPayload);
        }),
    ];
}
