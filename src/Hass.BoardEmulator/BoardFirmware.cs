using System.Security.Cryptography;
using Hass.Abstractions;
using Hass.Board.Protocol;
using Hass.BoardEmulator.Engine;

namespace Hass.BoardEmulator;

/// <summary>
/// The board side of protocol v1 (boards/PROTOCOL.md): transfers with block bitmaps, atomic commit, runs in
/// the background, a one-entry reply cache for idempotent re-sends. Thread-safe; one instance per board.
/// </summary>
public sealed class BoardFirmware
{
    public const string FirmwareVersion = "hass-board-emulator/1.0.0";

    private sealed class Transfer
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

    private sealed class RunRecord
    {
        public required uint Id { get; init; }
        public required uint DesignId { get; init; }
        public required RunRequest Request { get; init; }
        public volatile RunResults? Final;
        public int ImagesDone;
        public CancellationTokenSource Cancel { get; } = new();
    }

    private readonly object _gate = new();
    private readonly BoardSpec _board;
    private readonly string _boardId;
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly Transfer?[] _staging = new Transfer?[2];
    private readonly (Transfer Transfer, Task<Committed> Task)?[] _commits = new (Transfer, Task<Committed>)?[2];
    private EmulatedNetwork? _network;
    private uint _designId;
    private byte[] _designSha = new byte[32];
    private ImageSet? _images;
    private RunRecord? _run;
    private uint _nextRunId = 1;
    private uint _bootId = 1;
    private (ushort Sequence, FrameType Type, byte[] Reply)? _cache;
    private uint _framesReceived, _crcErrors;

    public BoardFirmware(BoardSpec board, string? boardId = null, DesignLimits? limits = null)
    {
        _board = board;
        _boardId = boardId ?? $"EMU-{board.Name}-{Environment.ProcessId}";
        Limits = limits ?? new DesignLimits(board, EmulatorOptions.DefaultMemoryBudgetBytes);
    }

    public BoardSpec Board => _board;
    /// <summary>What designs, transfers and runs the board accepts (memory budget, board checks).</summary>
    public DesignLimits Limits { get; }
    /// <summary>Conformance fault: no reply cache, so a re-sent RUN or COMMIT is executed again.</summary>
    public bool IgnoreSequenceNumbers { get; set; }
    public uint BootId { get { lock (_gate) return _bootId; } }
    /// <summary>Reboot when the first design transfer is half received (fault injection).</summary>
    public bool RebootDuringDeploy { get; set; }
    /// <summary>Reboot instead of answering the N-th RUN request (fault injection; 0 = never).</summary>
    public int RebootAtRun { get; set; }
    private int _runRequests;
    /// <summary>Raised when the firmware rebooted; the server drops the connection.</summary>
    public event Action? Rebooted;

    /// <summary>Forgets everything held in RAM, as a power cycle would.</summary>
    public void Reboot()
    {
        lock (_gate)
        {
            _run?.Cancel.Cancel();
            _run = null;
            _staging[0] = _staging[1] = null;
            _commits[0] = _commits[1] = null;
            _network = null;
            _images = null;
            _designId = 0;
            _cache = null;
            _bootId++;
        }
        Rebooted?.Invoke();
    }

    public BoardInfo Info() => new()
    {
        BoardName = _board.Name, Part = _board.Part, Firmware = FirmwareVersion, BoardId = _boardId,
        ClockKHz = (uint)Math.Round(_board.ClockMhz * 1000), Dsp = (uint)_board.Dsp, Bram18 = (uint)_board.Bram18,
        Uram = (uint)_board.Uram, Lut = (uint)_board.Lut, Ff = (uint)_board.Ff, MaxPayload = FrameCodec.MaxPayload,
        BootId = BootId, Features = BoardFeatures.GeneratedImages | BoardFeatures.UploadedImages | BoardFeatures.LayerCycles | BoardFeatures.Emulated,
    };

    /// <summary>Handles one decoded frame (or corrupt-frame notice); returns the encoded reply frame, or null for none.</summary>
    public byte[]? Handle(DecodeResult received)
    {
        if (received.IsCorrupt)
        {
            lock (_gate) _crcErrors++;
            return FrameCodec.Encode(FrameType.Error, received.CorruptSequence,
                new ErrorReply(ErrorCode.BadFrame, received.CorruptType, "frame CRC mismatch; re-send").Encode());
        }
        var frame = received.Frame!;
        if (frame.IsReply) return null;
        lock (_gate)
        {
            _framesReceived++;
            if (frame.Type != FrameType.Hello && !IgnoreSequenceNumbers && _cache is { } c && c.Sequence == frame.Sequence && c.Type == frame.Type)
                return c.Reply;
        }
        byte[] reply;
        bool rebootNow = false;
        try
        {
            (var type, var payload) = Dispatch(frame, ref rebootNow);
            reply = FrameCodec.Encode(type, frame.Sequence, payload);
        }
        catch (ProtocolException e)
        {
            reply = Error(frame, ErrorCode.BadPayload, e.Message);
        }
        catch (FirmwareError e)
        {
            reply = Error(frame, e.Code, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A request must never go unanswered: whatever went wrong inside, the host hears INTERNAL.
            reply = Error(frame, ErrorCode.Internal, $"firmware fault while handling {frame.Type}: {e.Message}");
        }
        if (rebootNow)
        {
            Reboot();
            return null;
        }
        bool busy = reply[3] == (byte)FrameType.Error && reply.Length >= FrameCodec.HeaderSize + 2
            && (ErrorCode)BitConverter.ToUInt16(reply, FrameCodec.HeaderSize) == ErrorCode.Busy;
        // BUSY is never cached: the host asks again with the same sequence number until the real answer is ready.
        lock (_gate) if (frame.Type != FrameType.Hello && !busy) _cache = (frame.Sequence, frame.Type, reply);
        return reply;
    }

    private static byte[] Error(Frame frame, ErrorCode code, string message) =>
        FrameCodec.Encode(FrameType.Error, frame.Sequence, new ErrorReply(code, frame.Type, message).Encode());

    private sealed class FirmwareError(ErrorCode code, string message) : Exception(message)
    {
        public ErrorCode Code { get; } = code;
    }

    private (FrameType, byte[]) Dispatch(Frame frame, ref bool rebootNow)
    {
        var p = frame.Payload;
        switch (frame.Type)
        {
            case FrameType.Hello:
            {
                var hello = HelloRequest.Decode(p);
                if (hello.ProtocolVersion != FrameCodec.Version)
                    throw new FirmwareError(ErrorCode.UnsupportedVersion, $"this board speaks protocol {FrameCodec.Version}, the host {hello.ProtocolVersion}");
                return (FrameType.Info, Info().Encode());
            }
            case FrameType.Status:
                lock (_gate)
                {
                    var state = _run is { Final: null } ? BoardState.Running : _staging.Any(s => s is not null) ? BoardState.Receiving : BoardState.Idle;
                    return (FrameType.StatusReply, new StatusReply(state, _designId, _bootId, _run?.Id ?? 0,
                        (ulong)(DateTime.UtcNow - _started).TotalMilliseconds, _framesReceived, _crcErrors).Encode());
                }
            case FrameType.Reset:
            {
                var reset = ResetRequest.Decode(p);
                lock (_gate)
                {
                    _run?.Cancel.Cancel();
                    _staging[0] = _staging[1] = null;
                    _commits[0] = _commits[1] = null;
                    if (reset.DropDesign) { _network = null; _designId = 0; _images = null; }
                    return (FrameType.ResetDone, new PayloadWriter().U32(_bootId).ToArray());
                }
            }
            case FrameType.TransferBegin: return (FrameType.TransferState, Begin(TransferBegin.Decode(p)).Encode());
            case FrameType.TransferQuery:
            {
                var slot = CheckSlot(SlotRequest.Decode(p).Slot);
                lock (_gate) return (FrameType.TransferState, StateOf(slot, _staging[(int)slot]).Encode());
            }
            case FrameType.TransferChunk: return (FrameType.ChunkAck, Chunk(TransferChunk.Decode(p), ref rebootNow).Encode());
            case FrameType.TransferCommit: return (FrameType.Committed, Commit(TransferCommit.Decode(p)).Encode());
            case FrameType.Run:
            {
                var request = RunRequest.Decode(p);
                if (RebootAtRun > 0 && Interlocked.Increment(ref _runRequests) == RebootAtRun)
                {
                    rebootNow = true;
                    return (FrameType.Error, []);
                }
                return (FrameType.RunAccepted, StartRun(request).Encode());
            }
            case FrameType.Results:
            {
                var request = ResultsRequest.Decode(p);
                lock (_gate)
                {
                    var run = _run;
                    if (run is null || run.Id != request.RunId)
                        throw new FirmwareError(ErrorCode.NoSuchRun, $"run {request.RunId} is not known (last run: {run?.Id ?? 0}); start a new run");
                    return (FrameType.RunResults, (run.Final ?? new RunResults
                    {
                        RunId = run.Id, State = RunState.Running, ImagesDone = (uint)Volatile.Read(ref run.ImagesDone),
                        Images = run.Request.Images, Warmup = run.Request.Warmup, ClockKHz = Info().ClockKHz, DesignId = run.DesignId,
                    }).Encode());
                }
            }
            default:
                throw new FirmwareError(ErrorCode.UnknownType, $"unknown request type 0x{(byte)frame.Type:X2}");
        }
    }

    private static TransferSlot CheckSlot(TransferSlot slot) =>
        slot is TransferSlot.Design or TransferSlot.Images ? slot : throw new FirmwareError(ErrorCode.BadPayload, $"unknown transfer slot {(byte)slot}");

    private static TransferState StateOf(TransferSlot slot, Transfer? t) => t is null
        ? new TransferState(slot, 0, 0, 0, 0, [])
        : new TransferState(slot, t.TotalBytes, t.BlockSize, t.BlockCount, t.Received, (byte[])t.Bitmap.Clone());

    private TransferState Begin(TransferBegin begin)
    {
        var slot = CheckSlot(begin.Slot);
        if (begin.TotalBytes == 0 || begin.TotalBytes > (ulong)Limits.MaxTransferBytes)
            throw new FirmwareError(ErrorCode.TooLarge, $"transfer of {begin.TotalBytes} bytes is outside 1..{Limits.MaxTransferBytes} (a quarter of the memory budget, at most 1 GiB)");
        if (begin.BlockSize is < 16 or > FrameCodec.MaxPayload)
            throw new FirmwareError(ErrorCode.BadPayload, $"block size {begin.BlockSize} is outside 16..{FrameCodec.MaxPayload}");
        ulong blocks = (begin.TotalBytes + begin.BlockSize - 1) / begin.BlockSize;
        if ((blocks + 7) / 8 > FrameCodec.MaxPayload - 64)
            throw new FirmwareError(ErrorCode.TooLarge, $"{blocks} blocks do not fit a bitmap reply; use larger blocks");
        lock (_gate)
        {
            var existing = _staging[(int)slot];
            if (existing is not null && existing.Sha256.AsSpan().SequenceEqual(begin.Sha256) && existing.TotalBytes == begin.TotalBytes && existing.BlockSize == begin.BlockSize)
                return StateOf(slot, existing);
            var t = new Transfer
            {
                Sha256 = begin.Sha256, TotalBytes = begin.TotalBytes, BlockSize = begin.BlockSize, BlockCount = (uint)blocks,
                Data = new byte[begin.TotalBytes], Bitmap = new byte[(blocks + 7) / 8],
            };
            _staging[(int)slot] = t;
            return StateOf(slot, t);
        }
    }

    private ChunkAck Chunk(TransferChunk chunk, ref bool rebootNow)
    {
        var slot = CheckSlot(chunk.Slot);
        lock (_gate)
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
            if (RebootDuringDeploy && slot == TransferSlot.Design && t.Received * 2 >= t.BlockCount)
            {
                RebootDuringDeploy = false;
                rebootNow = true;
            }
            return new ChunkAck(slot, chunk.FirstBlock, blocks, t.Received);
        }
    }

    /// <summary>
    /// COMMIT verifies (SHA-256, then parses and checks the design) in the background: a commit that is not
    /// finished within a few milliseconds answers BUSY, and the host re-sends it until the result is ready.
    /// </summary>
    private Committed Commit(TransferCommit commit)
    {
        var slot = CheckSlot(commit.Slot);
        Task<Committed> pending;
        lock (_gate)
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
        if (_run is { Final: null })
            throw new FirmwareError(ErrorCode.Busy, "a run is in progress; wait for it to finish");
        if (_commits[(int)slot] is not { } running || running.Transfer != t)
        {
            running = (t, Task.Run(() => Verify(slot, t)));
            _commits[(int)slot] = running;
        }
        return running.Task;
    }

    private Committed AwaitCommit(TransferSlot slot, Task<Committed> pending)
    {
        try { pending.Wait(TimeSpan.FromMilliseconds(50)); } catch (AggregateException) { }
        if (!pending.IsCompleted)
            throw new FirmwareError(ErrorCode.Busy, "commit in progress (verifying); ask again");
        lock (_gate) if (_commits[(int)slot]?.Task == pending) _commits[(int)slot] = null;
        if (pending.IsFaulted && pending.Exception!.InnerException is FirmwareError error) throw new FirmwareError(error.Code, error.Message);
        return pending.GetAwaiter().GetResult();
    }

    private Committed Verify(TransferSlot slot, Transfer t)
    {
        void Drop() { lock (_gate) if (_staging[(int)slot] == t) _staging[(int)slot] = null; }
        if (!SHA256.HashData(t.Data).AsSpan().SequenceEqual(t.Sha256))
        {
            Drop();
            throw new FirmwareError(ErrorCode.HashMismatch, "the received bytes do not match the announced SHA-256; the transfer was dropped, send it again");
        }
        if (slot == TransferSlot.Design)
        {
            EmulatedNetwork network;
            try
            {
                var package = DeploymentPackage.Decode(t.Data);
                Limits.Check(package);
                network = new EmulatedNetwork(package, _board);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Everything in a package is untrusted: a hole in its checks is still a refusal, not a fault.
                Drop();
                throw new FirmwareError(ErrorCode.DesignRejected, e is DesignRejectedException or ProtocolException ? e.Message : $"the design is malformed: {e.Message}");
            }
            lock (_gate)
            {
                if (_staging[(int)slot] != t) throw new FirmwareError(ErrorCode.NoTransfer, "the transfer was reset while it was being committed");
                _network = network;
                _designSha = t.Sha256;
                _designId++;
                _staging[(int)slot] = null;
                return new Committed(slot, _designId, _designSha);
            }
        }
        ImageSet images;
        try { images = ImageSet.Decode(t.Data); }
        catch (ProtocolException e) { Drop(); throw new FirmwareError(ErrorCode.BadPayload, e.Message); }
        lock (_gate)
        {
            if (_staging[(int)slot] != t) throw new FirmwareError(ErrorCode.NoTransfer, "the transfer was reset while it was being committed");
            _images = images;
            _staging[(int)slot] = null;
            return new Committed(slot, (uint)images.Count, t.Sha256);
        }
    }

    private RunAccepted StartRun(RunRequest request)
    {
        if (Limits.RunProblem(request, null) is { } counts) throw new FirmwareError(ErrorCode.BadPayload, counts);
        RunRecord run;
        EmulatedNetwork network;
        ImageSet? images = null;
        lock (_gate)
        {
            network = _network ?? throw new FirmwareError(ErrorCode.NotDeployed, "no design is deployed; deploy one first");
            if (Limits.RunProblem(request, network) is { } memory) throw new FirmwareError(ErrorCode.BadPayload, memory);
            if (_run is { Final: null }) throw new FirmwareError(ErrorCode.Busy, $"run {_run.Id} is in progress");
            if (request.Source == ImageSource.Uploaded)
            {
                images = _images ?? throw new FirmwareError(ErrorCode.BadPayload, "no images were uploaded; upload an image set or use generated images");
                if (images.Shape != network.InputShape)
                    throw new FirmwareError(ErrorCode.BadPayload, $"uploaded images are {images.Shape}, the design's input is {network.InputShape}");
            }
            else if (request.Source != ImageSource.Generated)
                throw new FirmwareError(ErrorCode.BadPayload, $"unknown image source {(byte)request.Source}");
            run = new RunRecord { Id = _nextRunId++, DesignId = _designId, Request = request };
            _run = run;
        }
        uint clock = Info().ClockKHz;
        _ = Task.Run(() =>
        {
            try
            {
                var result = RunExecutor.Execute(network, request, images, clock, () => Interlocked.Increment(ref run.ImagesDone), run.Cancel.Token);
                run.Final = result with { RunId = run.Id, DesignId = run.DesignId };
            }
            catch (OperationCanceledException)
            {
                run.Final = new RunResults { RunId = run.Id, State = RunState.Failed, DesignId = run.DesignId, Message = "run aborted by RESET or reboot" };
            }
            catch (Exception e)
            {
                run.Final = new RunResults { RunId = run.Id, State = RunState.Failed, DesignId = run.DesignId, Message = e.Message };
            }
        });
        return new RunAccepted(run.Id, run.DesignId);
    }
}
