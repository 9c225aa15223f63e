using Hass.Abstractions;
using Hass.Board.Protocol;

namespace Hass.Board.Conformance;

/// <summary>
/// What the checks share: the raw link, the board's INFO, and helpers that move a blob through the transfer
/// requests, deploy the kit's test design and read error replies.
/// </summary>
public sealed class ConformanceContext(ConformanceLink link, BoardInfo info)
{
    public const int BlockSize = 256;

    public ConformanceLink Link { get; } = link;
    public BoardInfo Info { get; } = info;

    /// <summary>The design id of the kit's test design once a check deployed it (0 = none).</summary>
    public uint DeployedDesignId { get; set; }

    public Task<Frame> RequestAsync(FrameType type, byte[] payload, CancellationToken ct, ushort? sequence = null) =>
        Link.ExchangeUntilNotBusyAsync(type, payload, ct, sequence);

    /// <summary>The reply's payload when it has the expected type; a failure naming what came instead otherwise.</summary>
    public static byte[] Expect(Frame reply, FrameType expected) => reply.Type == expected ? reply.Payload
        : throw new ConformanceFailure($"expected {expected}, got {Describe(reply)}");

    /// <summary>Fails unless the reply is ERROR with <paramref name="code"/>.</summary>
    public static void ExpectError(Frame reply, ErrorCode code)
    {
        if (reply.Type != FrameType.Error || ErrorReply.Decode(reply.Payload).Code != code)
            throw new ConformanceFailure($"expected ERROR {code}, got {Describe(reply)}");
    }

    public static string Describe(Frame reply) => reply.Type == FrameType.Error
        ? $"ERROR {ErrorReply.Decode(reply.Payload).Code} ({ErrorReply.Decode(reply.Payload).Message})"
        : reply.Type.ToString();

    public async Task<TransferState> BeginAsync(TransferSlot slot, byte[] blob, CancellationToken ct, byte[]? sha = null)
    {
        var begin = new TransferBegin(slot, (ulong)blob.Length, BlockSize, sha ?? PackageHash.Sha256(blob), "hass board selftest");
        return TransferState.Decode(Expect(await RequestAsync(FrameType.TransferBegin, begin.Encode(), ct), FrameType.TransferState));
    }

    /// <summary>Sends blocks [from, to) of <paramref name="blob"/>, one block per chunk.</summary>
    public async Task SendBlocksAsync(TransferSlot slot, byte[] blob, uint from, uint to, CancellationToken ct)
    {
        for (uint b = from; b < to; b++)
        {
            int offset = (int)(b * BlockSize), length = Math.Min(BlockSize, blob.Length - offset);
            var chunk = new TransferChunk(slot, b, blob.AsSpan(offset, length).ToArray());
            Expect(await RequestAsync(FrameType.TransferChunk, chunk.Encode(), ct), FrameType.ChunkAck);
        }
    }

    public static uint Blocks(byte[] blob) => (uint)((blob.Length + BlockSize - 1) / BlockSize);

    /// <summary>BEGIN, every block, COMMIT (re-sent while BUSY); returns the COMMIT reply, whatever it is.</summary>
    public async Task<Frame> TransferAsync(TransferSlot slot, byte[] blob, CancellationToken ct)
    {
        await BeginAsync(slot, blob, ct).ConfigureAwait(false);
        await SendBlocksAsync(slot, blob, 0, Blocks(blob), ct).ConfigureAwait(false);
        return await RequestAsync(FrameType.TransferCommit, new TransferCommit(slot, PackageHash.Sha256(blob)).Encode(), ct).ConfigureAwait(false);
    }

    /// <summary>Deploys the kit's test design; fails unless the board commits it.</summary>
    public async Task<Committed> DeployTestDesignAsync(CancellationToken ct)
    {
        var committed = Committed.Decode(Expect(await TransferAsync(TransferSlot.Design, TestDesign.Package(Info.BoardName), ct), FrameType.Committed));
        DeployedDesignId = committed.Id;
        return committed;
    }

    public async Task<StatusReply> StatusAsync(CancellationToken ct) =>
        StatusReply.Decode(Expect(await RequestAsync(FrameType.Status, [], ct), FrameType.StatusReply));

    /// <summary>A RUN of the test design with the board's own images when it can generate them, else the kit's uploaded ones.</summary>
    public RunRequest Run(uint images, uint warmup = 0) =>
        new(images, warmup, Info.Features.HasFlag(BoardFeatures.GeneratedImages) ? ImageSource.Generated : ImageSource.Uploaded, 1);

    /// <summary>Polls RESULTS until the run is no longer running (at most a minute).</summary>
    public async Task<RunResults> WaitForResultsAsync(uint runId, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            var results = RunResults.Decode(Expect(await RequestAsync(FrameType.Results, new ResultsRequest(runId).Encode(), ct), FrameType.RunResults));
            if (results.State != RunState.Running) return results;
            if (DateTime.UtcNow > deadline) throw new ConformanceFailure($"run {runId} still running after a minute");
            await Task.Delay(20, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Deploys the test design when none is live and, on a board that cannot generate images, uploads some.</summary>
    public async Task EnsureRunnableAsync(CancellationToken ct)
    {
        if (DeployedDesignId == 0) await DeployTestDesignAsync(ct).ConfigureAwait(false);
        if (!Info.Features.HasFlag(BoardFeatures.GeneratedImages) && !_imagesUploaded)
        {
            Expect(await TransferAsync(TransferSlot.Images, TestDesign.Images(4), ct).ConfigureAwait(false), FrameType.Committed);
            _imagesUploaded = true;
        }
    }

    private bool _imagesUploaded;
}
