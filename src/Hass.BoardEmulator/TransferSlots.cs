using System.Security.Cryptography;
using Hass.Abstractions;
using Hass.Board.Protocol;
using Hass.BoardEmulator.Engine;

namespace Hass.BoardEmulator;

/// <summary>
/// The two transfer slots (design, images): TRANSFER_BEGIN/CHUNK/QUERY fill a staging buffer block by block
/// (a bitmap records which blocks arrived) and COMMIT verifies it and installs it in <see cref="BoardMemory"/>.
/// </summary>
internal sealed class TransferSlots(BoardMemory memory, BoardSpec board, DesignLimits limits)
{
    private sealed class Staged
    {
        public required byte[] Sha256 { get; init; }
        public required ulong TotalBytes { get; init; }
        public required uint BlockSize { get; init; }
        public required uint BlockCount { get; init; }
        public required byte[] Data { get; init; }
        public required byte[] Bitmap { get; init; }
        public uint Received { get; set; }
        public bool Has(uint b) => (Bitmap[b / 8] & (1 << (int)(b % 8))) != 0;
        public void Mark(uint b) { if (!Has(b)) { Bitmap[b / 8] |= (byte)(1 << (int)(b % 8)); Received++; } }
    }

    private readonly Staged?[] _staging = new Staged?[2];
    private readonly (Staged Transfer, Task<Committed> Task)?[] _commits = new (Staged, Task<Committed>)?[2];

    /// <summary>Whether a transfer is being received. Call with the gate held.</summary>
    public bool Receiving => _staging.Any(s => s is not null);

    /// <summary>Drops both staging buffers and forgets pending commits. Call with the gate held.</summary>
    public void Clear()
    {
        _staging[0] = _staging[1] = null;
        _commits[0] = _commits[1] = null;
    }

    public static TransferSlot CheckSlot(TransferSlot slot) =>
        slot is TransferSlot.Design or TransferSlot.Images ? slot : throw new FirmwareError(ErrorCode.BadPayload, $"unknown transfer slot {(byte)slot}");

    public TransferState Query(TransferSlot slot)
    {
        CheckSlot(slot);
        lock (memory.Gate) return StateOf(slot, _staging[(int)slot]);
    }

    private static TransferState StateOf(TransferSlot slot, Staged? t) => t is null
        ? new TransferState(slot, 0, 0, 0, 0, [])
        : new TransferState(slot, t.TotalBytes, t.BlockSize, t.BlockCount, t.Received, (byte[])t.Bitmap.Clone());

    public TransferState Begin(TransferBegin begin)
    {
        var slot = CheckSlot(begin.Slot);
        if (begin.TotalBytes == 0 || begin.TotalBytes > (ulong)limits.MaxTransferBytes)
            throw new FirmwareError(ErrorCode.TooLarge, $"transfer of {begin.TotalBytes} bytes is outside 1..{limits.MaxTransferBytes} (a quarter of the memory budget, at most 1 GiB)");
        if (begin.BlockSize is < 16 or > FrameCodec.MaxPayload)
            throw new FirmwareError(ErrorCode.BadPayload, $"block size {begin.BlockSize} is outside 16..{FrameCodec.MaxPayload}");
        ulong blocks = (begin.TotalBytes + begin.BlockSize - 1) / begin.BlockSize;
        if ((blocks + 7) / 8 > FrameCodec.MaxPayload - 64)
            throw new FirmwareError(ErrorCode.TooLarge, $"{blocks} blocks do not fit a bitmap reply; use larger blocks");
        lock (memory.Gate)
        {
            var existing = _staging[(int)slot];
            if (existing is not null && existing.Sha256.AsSpan().SequenceEqual(begin.Sha256) && existing.TotalBytes == begin.TotalBytes && existing.BlockSize == begin.BlockSize)
                return StateOf(slot, existing);
            var t = new Staged
            {
                Sha256 = begin.Sha256, TotalBytes = begin.TotalBytes, BlockSize = begin.BlockSize, BlockCount = (uint)blocks,
                Data = new byte[begin.TotalBytes], Bitmap = new byte[(blocks + 7) / 8],
            };
            _staging[(int)slot] = t;
            return StateOf(slot, t);
        }
    }

    /// <summary>Stores one chunk; <paramref name="designHalfReceived"/> tells whether the design transfer is now at least half received.</summary>
    public ChunkAck Chunk(TransferChunk chunk, out bool designHalfReceived)
    {
        var slot = CheckSlot(chunk.Slot);
        lock (memory.Gate)
        {
            var t = _staging[(int)slot] ?? throw new FirmwareError(ErrorCode.NoTransfer, $"no {slot} transfer in progress; send TRANSFER_BEGIN");
            if (chunk.FirstBlock >= t.BlockCount || chunk.Data.Length == 0)
                throw new FirmwareError(ErrorCode.BadPayload, $"chunk at block {chunk.FirstBlock} with {chunk.Data.Length} bytes is outside the transfer ({t.BlockCount} blocks)");
            ulong offset = (ulong)chunk.FirstBlock * t.BlockSize;
            ulong end = offset + (ulong)chunk.Data.Length;
            if (end > t.TotalBytes || (end != t.TotalBytes && chunk.Data.Length % t.BlockSize != 0))
                throw new FirmwareError(ErrorCode.BadPayload, $"chunk of {chunk.Data.Length} bytes at block {chunk.FirstBlock} is not whole blocks of {t.BlockSize} bytes within the transfer");
            chunk.Data.CopyTo(t.Data, (long)offset);
            uint blocks = (uint)((chunk.Data.Length + t.BlockSize - 1) / t.BlockSize);
            for (uint b = 0; b < blocks; b++) t.Mark(chunk.FirstBlock + b);
            designHalfReceived = slot == TransferSlot.Design && t.Received * 2 >= t.BlockCount;
            return new ChunkAck(slot, chunk.FirstBlock, blocks, t.Received);
        }
    }

    /// <summary>
    /// COMMIT verifies (SHA-256, then parses and checks the design) in the background: a commit that is not
    /// finished within a few milliseconds answers BUSY, and the host re-sends it until the result is ready.
    /// </summary>
    public Committed Commit(TransferCommit commit)
    {
        var slot = CheckSlot(commit.Slot);
        Task<Committed> pending;
        lock (memory.Gate)
        {
            // A verification that ended after a BUSY answer has already freed the staging: report its outcome.
            if (_staging[(int)slot] is null && _commits[(int)slot] is { } finished && finished.Transfer.Sha256.AsSpan().SequenceEqual(commit.Sha256))
                pending = finished.Task;
            else
                pending = StartVerify(slot, commit);
        }
        return AwaitCommit(slot, pending);
    }

    /// <summary>Checks the staged transfer and starts (or joins) its verification. Call with the gate held.</summary>
    private Task<Committed> StartVerify(TransferSlot slot, TransferCommit commit)
    {
        var t = _staging[(int)slot] ?? throw new FirmwareError(ErrorCode.NoTransfer, $"no {slot} transfer to commit; send TRANSFER_BEGIN");
        if (t.Received < t.BlockCount)
            throw new FirmwareError(ErrorCode.TransferIncomplete, $"{t.BlockCount - t.Received} of {t.BlockCount} blocks are missing; query and send them");
        if (!t.Sha256.AsSpan().SequenceEqual(commit.Sha256))
            throw new FirmwareError(ErrorCode.HashMismatch, "COMMIT names a different SHA-256 than TRANSFER_BEGIN");
        if (memory.RunInProgress)
            throw new FirmwareError(ErrorCode.Busy, "a run is in progress; wait for it to finish");
        if (_commits[(int)slot] is not { } running || running.Transfer != t)
        {
            running = (t, Task.Run(() => Verify(slot, t)));
            _commits[(int)slot] = running;
        }
        return running.Task;
    }

    /// <summary>
    /// The answer to a COMMIT: the verification's outcome if it ends within 50 ms, else BUSY (the protocol's way
    /// to keep a request/reply link responsive while the board works; the host asks again).
    /// </summary>
    private Committed AwaitCommit(TransferSlot slot, Task<Committed> pending)
    {
        try { pending.Wait(TimeSpan.FromMilliseconds(50)); } catch (AggregateException) { }
        if (!pending.IsCompleted)
            throw new FirmwareError(ErrorCode.Busy, "commit in progress (verifying); ask again");
        lock (memory.Gate) if (_commits[(int)slot]?.Task == pending) _commits[(int)slot] = null;
        if (pending.IsFaulted && pending.Exception!.InnerException is FirmwareError error) throw new FirmwareError(error.Code, error.Message);
        if (!pending.IsCompletedSuccessfully)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(pending.Exception?.InnerException ?? new OperationCanceledException());
        return pending.Result;
    }

    private Committed Verify(TransferSlot slot, Staged t)
    {
        if (!SHA256.HashData(t.Data).AsSpan().SequenceEqual(t.Sha256))
        {
            Drop(slot, t);
            throw new FirmwareError(ErrorCode.HashMismatch, "the received bytes do not match the announced SHA-256; the transfer was dropped, send it again");
        }
        return slot == TransferSlot.Design ? InstallDesign(t) : InstallImages(t);
    }

    private void Drop(TransferSlot slot, Staged t) { lock (memory.Gate) if (_staging[(int)slot] == t) _staging[(int)slot] = null; }

    private Committed InstallDesign(Staged t)
    {
        EmulatedNetwork network;
        try
        {
            var package = DeploymentPackage.Decode(t.Data);
            limits.Check(package);
            network = new EmulatedNetwork(package, board);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Everything in a package is untrusted: a hole in its checks is still a refusal, not a fault.
            Drop(TransferSlot.Design, t);
            throw new FirmwareError(ErrorCode.DesignRejected, e is DesignRejectedException or ProtocolException ? e.Message : $"the design is malformed: {e.Message}");
        }
        lock (memory.Gate)
        {
            TakeStaged(TransferSlot.Design, t);
            return new Committed(TransferSlot.Design, memory.Deploy(network), t.Sha256);
        }
    }

    private Committed InstallImages(Staged t)
    {
        ImageSet images;
        try { images = ImageSet.Decode(t.Data); }
        catch (ProtocolException e) { Drop(TransferSlot.Images, t); throw new FirmwareError(ErrorCode.BadPayload, e.Message); }
        lock (memory.Gate)
        {
            TakeStaged(TransferSlot.Images, t);
            memory.Images = images;
            return new Committed(TransferSlot.Images, (uint)images.Count, t.Sha256);
        }
    }

    /// <summary>Frees the staging of a verified transfer. Call with the gate held.</summary>
    private void TakeStaged(TransferSlot slot, Staged t)
    {
        if (_staging[(int)slot] != t) throw new FirmwareError(ErrorCode.NoTransfer, "the transfer was reset while it was being committed");
        _staging[(int)slot] = null;
    }
}
