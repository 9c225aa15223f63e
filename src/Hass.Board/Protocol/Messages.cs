namespace Hass.Board.Protocol;

/// <summary>Transfer slots (PROTOCOL.md §4.4): a deployment package or an image set.</summary>
public enum TransferSlot : byte { Design = 0, Images = 1 }

/// <summary>Where the images of a run come from.</summary>
public enum ImageSource : byte { Uploaded = 0, Generated = 1 }

public enum BoardState : byte { Idle = 0, Receiving = 1, Running = 2 }

public enum RunState : byte { Running = 0, Done = 1, Failed = 2 }

[Flags]
public enum BoardFeatures : byte { None = 0, GeneratedImages = 1, UploadedImages = 2, LayerCycles = 4, Emulated = 8 }

public sealed record HelloRequest(ushort ProtocolVersion, string Host)
{
    public byte[] Encode() => new PayloadWriter().U16(ProtocolVersion).String(Host).ToArray();
    public static HelloRequest Decode(ReadOnlySpan<byte> p)
    {
        var r = new PayloadReader(p, "HELLO");
        return new HelloRequest(r.U16("protocolVersion"), r.String("host"));
    }
}

/// <summary>The INFO reply: who the board is and what it has.</summary>
public sealed record BoardInfo
{
    public ushort ProtocolVersion { get; init; } = FrameCodec.Version;
    public required string BoardName { get; init; }
    public string Part { get; init; } = "";
    public required string Firmware { get; init; }
    public required string BoardId { get; init; }
    public required uint ClockKHz { get; init; }
    public uint Dsp { get; init; }
    public uint Bram18 { get; init; }
    public uint Uram { get; init; }
    public uint Lut { get; init; }
    public uint Ff { get; init; }
    public uint MaxPayload { get; init; } = FrameCodec.MaxPayload;
    public uint BootId { get; init; }
    public BoardFeatures Features { get; init; }

    public double ClockMhz => ClockKHz / 1000.0;

    public byte[] Encode() => new PayloadWriter()
        .U16(ProtocolVersion).String(BoardName).String(Part).String(Firmware).String(BoardId)
        .U32(ClockKHz).U32(Dsp).U32(Bram18).U32(Uram).U32(Lut).U32(Ff).U32(MaxPayload).U32(BootId).U8((byte)Features)
        .ToArray();

    public static BoardInfo Decode(ReadOnlySpan<byte> p)
    {
        var r = new PayloadReader(p, "INFO");
        return new BoardInfo
        {
            ProtocolVersion = r.U16("protocolVersion"), BoardName = r.String("boardName"), Part = r.String("part"),
            Firmware = r.String("firmware"), BoardId = r.String("boardId"), ClockKHz = r.U32("clockKHz"),
            Dsp = r.U32("dsp"), Bram18 = r.U32("bram18"), Uram = r.U32("uram"), Lut = r.U32("lut"), Ff = r.U32("ff"),
            MaxPayload = r.U32("maxPayload"), BootId = r.U32("bootId"), Features = (BoardFeatures)r.U8("features"),
        };
    }

    public override string ToString() =>
        $"{BoardName} ({Part}) firmware {Firmware}, id {BoardId}, {ClockMhz:0.###} MHz, DSP {Dsp}, BRAM18 {Bram18}, URAM {Uram}, LUT {Lut}, FF {Ff}";
}

public sealed record StatusReply(BoardState State, uint DesignId, uint BootId, uint LastRunId, ulong UptimeMs, uint FramesReceived, uint CrcErrors)
{
    public byte[] Encode() => new PayloadWriter().U8((byte)State).U32(DesignId).U32(BootId).U32(LastRunId).U64(UptimeMs).U32(FramesReceived).U32(CrcErrors).ToArray();
    public static StatusReply Decode(ReadOnlySpan<byte> p)
    {
        var r = new PayloadReader(p, "STATUS_REPLY");
        return new StatusReply((BoardState)r.U8("state"), r.U32("designId"), r.U32("bootId"), r.U32("lastRunId"), r.U64("uptimeMs"), r.U32("framesReceived"), r.U32("crcErrors"));
    }
}

public sealed record ResetRequest(bool DropDesign)
{
    public byte[] Encode() => new PayloadWriter().U8(DropDesign ? (byte)1 : (byte)0).ToArray();
    public static ResetRequest Decode(ReadOnlySpan<byte> p) => new(new PayloadReader(p, "RESET").U8("scope") != 0);
}

public sealed record TransferBegin(TransferSlot Slot, ulong TotalBytes, uint BlockSize, byte[] Sha256, string Description)
{
    public byte[] Encode() => new PayloadWriter().U8((byte)Slot).U64(TotalBytes).U32(BlockSize).Bytes(Sha256).String(Description).ToArray();
    public static TransferBegin Decode(ReadOnlySpan<byte> p)
    {
        var r = new PayloadReader(p, "TRANSFER_BEGIN");
        return new TransferBegin((TransferSlot)r.U8("slot"), r.U64("totalBytes"), r.U32("blockSize"), r.Bytes(32, "sha256").ToArray(), r.String("description"));
    }
}

/// <summary>Which blocks of a transfer the board holds. Bit i of <see cref="Bitmap"/> (byte i/8, bit i%8) = block i received.</summary>
public sealed record TransferState(TransferSlot Slot, ulong TotalBytes, uint BlockSize, uint BlockCount, uint BlocksReceived, byte[] Bitmap)
{
    public bool Has(uint block) => block / 8 < Bitmap.Length && (Bitmap[block / 8] & (1 << (int)(block % 8))) != 0;

    public byte[] Encode() => new PayloadWriter().U8((byte)Slot).U64(TotalBytes).U32(BlockSize).U32(BlockCount).U32(BlocksReceived)
        .U32((uint)Bitmap.Length).Bytes(Bitmap).ToArray();
    public static TransferState Decode(ReadOnlySpan<byte> p)
    {
        var r = new PayloadReader(p, "TRANSFER_STATE");
        var slot = (TransferSlot)r.U8("slot");
        ulong total = r.U64("totalBytes");
        uint blockSize = r.U32("blockSize"), count = r.U32("blockCount"), received = r.U32("blocksReceived");
        int bitmapBytes = (int)Math.Min(r.U32("bitmapBytes"), (uint)FrameCodec.MaxPayload);
        return new TransferState(slot, total, blockSize, count, received, r.Bytes(bitmapBytes, "bitmap").ToArray());
    }
}

public sealed record TransferChunk(TransferSlot Slot, uint FirstBlock, byte[] Data)
{
    public const int Overhead = 5;
    public byte[] Encode() => new PayloadWriter().U8((byte)Slot).U32(FirstBlock).Bytes(Data).ToArray();
    public static TransferChunk Decode(ReadOnlySpan<byte> p)
    {
        var r = new PayloadReader(p, "TRANSFER_CHUNK");
        return new TransferChunk((TransferSlot)r.U8("slot"), r.U32("firstBlock"), r.Rest().ToArray());
    }
}

public sealed record ChunkAck(TransferSlot Slot, uint FirstBlock, uint Blocks, uint BlocksReceived)
{
    public byte[] Encode() => new PayloadWriter().U8((byte)Slot).U32(FirstBlock).U32(Blocks).U32(BlocksReceived).ToArray();
    public static ChunkAck Decode(ReadOnlySpan<byte> p)
    {
        var r = new PayloadReader(p, "CHUNK_ACK");
        return new ChunkAck((TransferSlot)r.U8("slot"), r.U32("firstBlock"), r.U32("blocks"), r.U32("blocksReceived"));
    }
}

public sealed record SlotRequest(TransferSlot Slot)
{
    public byte[] Encode() => [(byte)Slot];
    public static SlotRequest Decode(ReadOnlySpan<byte> p) => new((TransferSlot)new PayloadReader(p, "TRANSFER_QUERY").U8("slot"));
}

public sealed record TransferCommit(TransferSlot Slot, byte[] Sha256)
{
    public byte[] Encode() => new PayloadWriter().U8((byte)Slot).Bytes(Sha256).ToArray();
    public static TransferCommit Decode(ReadOnlySpan<byte> p)
    {
        var r = new PayloadReader(p, "TRANSFER_COMMIT");
        return new TransferCommit((TransferSlot)r.U8("slot"), r.Bytes(32, "sha256").ToArray());
    }
}

/// <summary>COMMITTED: the slot's content is live. For designs <see cref="Id"/> is the design id, for images the image count.</summary>
public sealed record Committed(TransferSlot Slot, uint Id, byte[] Sha256)
{
    public byte[] Encode() => new PayloadWriter().U8((byte)Slot).U32(Id).Bytes(Sha256).ToArray();
    public static Committed Decode(ReadOnlySpan<byte> p)
    {
        var r = new PayloadReader(p, "COMMITTED");
        return new Committed((TransferSlot)r.U8("slot"), r.U32("id"), r.Bytes(32, "sha256").ToArray());
    }
}

public sealed record RunRequest(uint Images, uint Warmup, ImageSource Source, ulong Seed)
{
    public byte[] Encode() => new PayloadWriter().U32(Images).U32(Warmup).U8((byte)Source).U64(Seed).ToArray();
    public static RunRequest Decode(ReadOnlySpan<byte> p)
    {
        var r = new PayloadReader(p, "RUN");
        return new RunRequest(r.U32("images"), r.U32("warmup"), (ImageSource)r.U8("source"), r.U64("seed"));
    }
}

public sealed record RunAccepted(uint RunId, uint DesignId)
{
    public byte[] Encode() => new PayloadWriter().U32(RunId).U32(DesignId).ToArray();
    public static RunAccepted Decode(ReadOnlySpan<byte> p)
    {
        var r = new PayloadReader(p, "RUN_ACCEPTED");
        return new RunAccepted(r.U32("runId"), r.U32("designId"));
    }
}

public sealed record ResultsRequest(uint RunId)
{
    public byte[] Encode() => new PayloadWriter().U32(RunId).ToArray();
    public static ResultsRequest Decode(ReadOnlySpan<byte> p) => new(new PayloadReader(p, "RESULTS").U32("runId"));
}

/// <summary>Busy and stall cycles of one design layer summed over the measured images.</summary>
public readonly record struct LayerCounters(ulong BusyCycles, ulong StallCycles);

/// <summary>RUN_RESULTS: counters of a run. Layer counters are in the order of the deployed design's layers.</summary>
public sealed record RunResults
{
    public required uint RunId { get; init; }
    public required RunState State { get; init; }
    public uint ImagesDone { get; init; }
    public uint Images { get; init; }
    public uint Warmup { get; init; }
    /// <summary>Cycles from the end of the last warm-up image to the end of the last measured image.</summary>
    public ulong TotalCycles { get; init; }
    public uint ClockKHz { get; init; }
    public uint DesignId { get; init; }
    public IReadOnlyList<LayerCounters> Layers { get; init; } = [];
    /// <summary>Arg-max class of the first measured images (at most 1024).</summary>
    public IReadOnlyList<ushort> Predictions { get; init; } = [];
    public string Message { get; init; } = "";

    public byte[] Encode()
    {
        var w = new PayloadWriter().U32(RunId).U8((byte)State).U32(ImagesDone).U32(Images).U32(Warmup).U64(TotalCycles).U32(ClockKHz).U32(DesignId);
        w.U16((ushort)Layers.Count);
        foreach (var l in Layers) w.U64(l.BusyCycles).U64(l.StallCycles);
        w.U16((ushort)Predictions.Count);
        foreach (var p in Predictions) w.U16(p);
        return w.String(Message).ToArray();
    }

    public static RunResults Decode(ReadOnlySpan<byte> p)
    {
        var r = new PayloadReader(p, "RUN_RESULTS");
        uint runId = r.U32("runId");
        var state = (RunState)r.U8("state");
        uint done = r.U32("imagesDone"), images = r.U32("images"), warmup = r.U32("warmup");
        ulong total = r.U64("totalCycles");
        uint clock = r.U32("clockKHz"), design = r.U32("designId");
        int layerCount = r.U16("layerCount");
        var layers = new LayerCounters[layerCount];
        for (int i = 0; i < layerCount; i++) layers[i] = new LayerCounters(r.U64("busyCycles"), r.U64("stallCycles"));
        int predictionCount = r.U16("predictionCount");
        var predictions = new ushort[predictionCount];
        for (int i = 0; i < predictionCount; i++) predictions[i] = r.U16("prediction");
        return new RunResults
        {
            RunId = runId, State = state, ImagesDone = done, Images = images, Warmup = warmup, TotalCycles = total,
            ClockKHz = clock, DesignId = design, Layers = layers, Predictions = predictions, Message = r.String("message"),
        };
    }
}

public sealed record ErrorReply(ErrorCode Code, FrameType RequestType, string Message)
{
    public byte[] Encode() => new PayloadWriter().U16((ushort)Code).U8((byte)RequestType).String(Message).ToArray();
    public static ErrorReply Decode(ReadOnlySpan<byte> p)
    {
        var r = new PayloadReader(p, "ERROR");
        return new ErrorReply((ErrorCode)r.U16("code"), (FrameType)r.U8("requestType"), r.String("message"));
    }
}
