using Hass.Abstractions;
using Hass.Board.Protocol;

namespace Hass.BoardEmulator;

/// <summary>
/// The board side of protocol v1 (boards/PROTOCOL.md): decodes each request, answers from a one-entry reply
/// cache for idempotent re-sends, and hands transfers to <see cref="TransferSlots"/> and runs to
/// <see cref="BoardRuns"/>. Thread-safe; one instance per board.
/// </summary>
public sealed class BoardFirmware
{
    public const string FirmwareVersion = "hass-board-emulator/1.0.0";

    private readonly BoardSpec _board;
    private readonly string _boardId;
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly BoardMemory _memory = new();
    private readonly TransferSlots _transfers;
    private readonly BoardRuns _runs;
    private (ushort Sequence, FrameType Type, byte[] Reply)? _cache;
    private uint _framesReceived, _crcErrors;
    private int _runRequests;

    public BoardFirmware(BoardSpec board, string? boardId = null, DesignLimits? limits = null)
    {
        _board = board;
        _boardId = boardId ?? $"EMU-{board.Name}-{Environment.ProcessId}";
        Limits = limits ?? new DesignLimits(board, EmulatorOptions.DefaultMemoryBudgetBytes);
        _transfers = new TransferSlots(_memory, board, Limits);
        _runs = new BoardRuns(_memory, Limits, ClockKHz);
    }

    public BoardSpec Board => _board;
    /// <summary>What designs, transfers and runs the board accepts (memory budget, board checks).</summary>
    public DesignLimits Limits { get; }
    /// <summary>Conformance fault: no reply cache, so a re-sent RUN or COMMIT is executed again.</summary>
    public bool IgnoreSequenceNumbers { get; set; }
    public uint BootId { get { lock (_memory.Gate) return _memory.BootId; } }
    /// <summary>Reboot when the first design transfer is half received (fault injection).</summary>
    public bool RebootDuringDeploy { get; set; }
    /// <summary>Reboot instead of answering the N-th RUN request (fault injection; 0 = never).</summary>
    public int RebootAtRun { get; set; }
    /// <summary>Raised when the firmware rebooted; the server drops the connection.</summary>
    public event Action? Rebooted;

    private uint ClockKHz => (uint)Math.Round(_board.ClockMhz * 1000);

    /// <summary>Forgets everything held in RAM, as a power cycle would.</summary>
    public void Reboot()
    {
        lock (_memory.Gate)
        {
            _memory.Reboot();
            _transfers.Clear();
            _cache = null;
        }
        Rebooted?.Invoke();
    }

    public BoardInfo Info() => new()
    {
        BoardName = _board.Name, Part = _board.Part, Firmware = FirmwareVersion, BoardId = _boardId,
        ClockKHz = ClockKHz, Dsp = (uint)_board.Dsp, Bram18 = (uint)_board.Bram18,
        Uram = (uint)_board.Uram, Lut = (uint)_board.Lut, Ff = (uint)_board.Ff, MaxPayload = FrameCodec.MaxPayload,
        BootId = BootId, Features = BoardFeatures.GeneratedImages | BoardFeatures.UploadedImages | BoardFeatures.LayerCycles | BoardFeatures.Emulated,
    };

    /// <summary>Handles one decoded frame (or corrupt-frame notice); returns the encoded reply frame, or null for none.</summary>
    public byte[]? Handle(DecodeResult received)
    {
        if (received.IsCorrupt)
        {
            lock (_memory.Gate) _crcErrors++;
            return FrameCodec.Encode(FrameType.Error, received.CorruptSequence,
                new ErrorReply(ErrorCode.BadFrame, received.CorruptType, "frame CRC mismatch; re-send").Encode());
        }
        var frame = received.Frame!;
        if (frame.IsReply) return null;
        lock (_memory.Gate)
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
        lock (_memory.Gate) if (frame.Type != FrameType.Hello && !busy) _cache = (frame.Sequence, frame.Type, reply);
        return reply;
    }

    private static byte[] Error(Frame frame, ErrorCode code, string message) =>
        FrameCodec.Encode(FrameType.Error, frame.Sequence, new ErrorReply(code, frame.Type, message).Encode());

    private (FrameType, byte[]) Dispatch(Frame frame, ref bool rebootNow)
    {
        var p = frame.Payload;
        switch (frame.Type)
        {
            case FrameType.Hello: return (FrameType.Info, Hello(HelloRequest.Decode(p)).Encode());
            case FrameType.Status: return (FrameType.StatusReply, Status().Encode());
            case FrameType.Reset: return (FrameType.ResetDone, new PayloadWriter().U32(Reset(ResetRequest.Decode(p))).ToArray());
            case FrameType.TransferBegin: return (FrameType.TransferState, _transfers.Begin(TransferBegin.Decode(p)).Encode());
            case FrameType.TransferQuery: return (FrameType.TransferState, _transfers.Query(SlotRequest.Decode(p).Slot).Encode());
            case FrameType.TransferChunk:
            {
                var ack = _transfers.Chunk(TransferChunk.Decode(p), out bool designHalfReceived);
                if (designHalfReceived && RebootDuringDeploy)
                {
                    RebootDuringDeploy = false;
                    rebootNow = true;
                }
                return (FrameType.ChunkAck, ack.Encode());
            }
            case FrameType.TransferCommit: return (FrameType.Committed, _transfers.Commit(TransferCommit.Decode(p)).Encode());
            case FrameType.Run:
            {
                var request = RunRequest.Decode(p);
                if (RebootAtRun > 0 && Interlocked.Increment(ref _runRequests) == RebootAtRun)
                {
                    rebootNow = true;
                    return (FrameType.Error, []);
                }
                return (FrameType.RunAccepted, _runs.Start(request).Encode());
            }
            case FrameType.Results: return (FrameType.RunResults, _runs.Results(ResultsRequest.Decode(p)).Encode());
            default:
                throw new FirmwareError(ErrorCode.UnknownType, $"unknown request type 0x{(byte)frame.Type:X2}");
        }
    }

    private BoardInfo Hello(HelloRequest hello) => hello.ProtocolVersion == FrameCodec.Version
        ? Info()
        : throw new FirmwareError(ErrorCode.UnsupportedVersion, $"this board speaks protocol {FrameCodec.Version}, the host {hello.ProtocolVersion}");

    private StatusReply Status()
    {
        lock (_memory.Gate)
        {
            var state = _memory.RunInProgress ? BoardState.Running : _transfers.Receiving ? BoardState.Receiving : BoardState.Idle;
            return new StatusReply(state, _memory.DesignId, _memory.BootId, _memory.Run?.Id ?? 0,
                (ulong)(DateTime.UtcNow - _started).TotalMilliseconds, _framesReceived, _crcErrors);
        }
    }

    /// <summary>RESET: aborts the run and the transfers (and with DropDesign the design); returns the boot id.</summary>
    private uint Reset(ResetRequest reset)
    {
        lock (_memory.Gate)
        {
            _memory.Reset(reset.DropDesign);
            _transfers.Clear();
            return _memory.BootId;
        }
    }
}
