using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Hass.Board.Protocol;
using Hass.Board.Testing;

namespace Hass.BoardEmulator.Tests;

/// <summary>
/// Seeded fuzzing of every request field: whatever a host sends, the board answers with the request's reply or
/// an ERROR with a protocol error code — never a crash, an INTERNAL fault or silence.
/// </summary>
public class RequestFuzzTests
{
    private static readonly ulong[] Hostile = [0, 1, 2, 255, 65535, 65536, int.MaxValue, 1UL << 31, uint.MaxValue, 1UL << 32, long.MaxValue, ulong.MaxValue];
    private static readonly FrameType[] Requests =
        [FrameType.Hello, FrameType.Status, FrameType.Reset, FrameType.TransferBegin, FrameType.TransferChunk, FrameType.TransferQuery,
         FrameType.TransferCommit, FrameType.Run, FrameType.Results, (FrameType)0x55];

    private static readonly Dictionary<FrameType, FrameType> ReplyTo = new()
    {
        [FrameType.Hello] = FrameType.Info, [FrameType.Status] = FrameType.StatusReply, [FrameType.Reset] = FrameType.ResetDone,
        [FrameType.TransferBegin] = FrameType.TransferState, [FrameType.TransferChunk] = FrameType.ChunkAck, [FrameType.TransferQuery] = FrameType.TransferState,
        [FrameType.TransferCommit] = FrameType.Committed, [FrameType.Run] = FrameType.RunAccepted, [FrameType.Results] = FrameType.RunResults,
    };

    /// <summary>A board with TinyNet deployed and a 1 MiB budget, so any accepted run is small.</summary>
    private static BoardFirmware DeployedBoard()
    {
        var board = new BoardFirmware(EmulatorOptions.DefaultBoard, "FUZZ", new DesignLimits(EmulatorOptions.DefaultBoard, 1 << 20));
        var package = new DeploymentPackage(TinyNet.Design(), TinyNet.Network()).Encode();
        var sha = PackageHash.Sha256(package);
        Handle(board, FrameType.TransferBegin, new TransferBegin(TransferSlot.Design, (ulong)package.Length, 65536, sha, "fuzz").Encode(), 1);
        Handle(board, FrameType.TransferChunk, new TransferChunk(TransferSlot.Design, 0, package).Encode(), 2);
        Assert.Equal(FrameType.Committed, CommitUntilAnswered(board, sha, 3).Type);
        return board;
    }

    private static Frame Handle(BoardFirmware board, FrameType type, byte[] payload, ushort seq)
    {
        var bytes = board.Handle(new DecodeResult(new Frame(type, seq, payload), default, 0));
        Assert.True(bytes is not null, $"{type} with {payload.Length} payload bytes got no reply");
        var decoded = new List<DecodeResult>();
        new FrameDecoder().Feed(bytes, decoded);
        var reply = Assert.Single(decoded).Frame!;
        Assert.Equal(seq, reply.Sequence);
        if (reply.Type == FrameType.Error)
        {
            var error = ErrorReply.Decode(reply.Payload);
            Assert.True(Enum.IsDefined(error.Code) && error.Code is not (ErrorCode.Internal or ErrorCode.None),
                $"{type} [{Convert.ToHexString(payload.AsSpan(0, Math.Min(64, payload.Length)))}] → {error.Code}: {error.Message}");
        }
        else Assert.Equal(ReplyTo[type], reply.Type);
        return reply;
    }

    private static Frame CommitUntilAnswered(BoardFirmware board, byte[] sha, ushort seq)
    {
        for (int i = 0; ; i++)
        {
            var reply = Handle(board, FrameType.TransferCommit, new TransferCommit(TransferSlot.Design, sha).Encode(), seq);
            if (reply.Type != FrameType.Error || ErrorReply.Decode(reply.Payload).Code != ErrorCode.Busy || i > 2000) return reply;
            Thread.Sleep(2);
        }
    }

    /// <summary>A request payload: the request's fields with hostile values, or random bytes, or a truncated field list.</summary>
    private static byte[] Payload(FrameType type, Random rng)
    {
        ulong V() => rng.Next(3) == 0 ? (ulong)rng.NextInt64() : Hostile[rng.Next(Hostile.Length)];
        var w = new PayloadWriter();
        switch (type)
        {
            case FrameType.Hello: w.U16((ushort)V()).String("fuzz"); break;
            case FrameType.Reset: w.U8((byte)V()); break;
            case FrameType.TransferBegin: w.U8((byte)(V() % 3)).U64(V()).U32((uint)V()).Bytes(new byte[32]).String("fuzz"); break;
            case FrameType.TransferChunk: w.U8((byte)(V() % 3)).U32((uint)V()).Bytes(new byte[rng.Next(0, 600)]); break;
            case FrameType.TransferQuery: w.U8((byte)V()); break;
            case FrameType.TransferCommit: w.U8((byte)(V() % 3)).Bytes(new byte[32]); break;
            case FrameType.Run: w.U32((uint)(rng.Next(2) == 0 ? V() : (ulong)rng.Next(0, 40))).U32((uint)(rng.Next(2) == 0 ? V() : (ulong)rng.Next(0, 4))).U8((byte)(V() % 3)).U64(V()); break;
            case FrameType.Results: w.U32((uint)V()); break;
        }
        var bytes = w.ToArray();
        return rng.Next(6) switch
        {
            0 => bytes[..rng.Next(0, bytes.Length + 1)],
            1 => [.. bytes, .. Enumerable.Range(0, rng.Next(1, 40)).Select(_ => (byte)rng.Next(256))],
            2 => Enumerable.Range(0, rng.Next(0, 80)).Select(_ => (byte)rng.Next(256)).ToArray(),
            _ => bytes,
        };
    }

    [Fact]
    public void Every_request_field_with_hostile_values_gets_a_reply_or_a_clean_refusal()
    {
        var rng = new Random(20261201);
        var board = DeployedBoard();
        for (int i = 0; i < 4000; i++)
        {
            var type = Requests[rng.Next(Requests.Length)];
            Handle(board, type, Payload(type, rng), (ushort)(10 + i));
            if (type == FrameType.Reset) DeployedAgainIfDropped(ref board, (ushort)(30000 + i));
        }
    }

    private static void DeployedAgainIfDropped(ref BoardFirmware board, ushort seq)
    {
        var status = StatusReply.Decode(Handle(board, FrameType.Status, [], seq).Payload);
        if (status.DesignId == 0) board = DeployedBoard();
    }

    [Fact]
    public async Task Over_loopback_tcp_every_fuzzed_request_gets_a_reply_and_the_connection_stays()
    {
        using var stop = new CancellationTokenSource();
        var server = new EmulatorServer(EmulatorOptions.Parse(["--tcp", "127.0.0.1:0"]), DeployedBoard());
        _ = await server.StartAsync(stop.Token);
        await using var board = await RawBoard.ConnectAsync(server.Address!);
        var rng = new Random(99);
        for (int i = 0; i < 300; i++)
        {
            var type = Requests[rng.Next(Requests.Length)];
            var payload = Payload(type, rng);
            var reply = await board.Link.ExchangeAsync(type, payload, CancellationToken.None);
            Assert.True(reply is not null, $"{type} [{Convert.ToHexString(payload)}] got no reply");
            if (reply.Type == FrameType.Error) Assert.NotEqual(ErrorCode.Internal, ErrorReply.Decode(reply.Payload).Code);
        }
        await board.AssertAliveAsync();
        stop.Cancel();
    }

    [Fact]
    public void Every_numeric_field_of_a_design_manifest_set_to_a_hostile_value_is_committed_or_refused()
    {
        string[] values = ["-1", "0", "1000000000", "2147483647", "-2147483648", "9223372036854775807", "1e308", "0.5"];
        var package = new DeploymentPackage(TinyNet.Design(), TinyNet.Network()).Encode();
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(package.AsSpan(8));
        string manifest = Encoding.UTF8.GetString(package, 12, length);
        var numbers = Regex.Matches(manifest, @"(?<=:\s*|\[\s*|,\s*)-?\d+(\.\d+)?([eE][-+]?\d+)?").ToArray();
        var rng = new Random(7);
        var board = new BoardFirmware(EmulatorOptions.DefaultBoard, "FUZZ", new DesignLimits(EmulatorOptions.DefaultBoard, 1 << 20));
        ushort seq = 1;
        for (int i = 0; i < 400; i++)
        {
            var number = numbers[rng.Next(numbers.Length)];
            var edited = Encoding.UTF8.GetBytes(manifest[..number.Index] + values[rng.Next(values.Length)] + manifest[(number.Index + number.Length)..]);
            byte[] blob = [.. package.AsSpan(0, 8), 0, 0, 0, 0, .. edited, .. package.AsSpan(12 + length)];
            BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(8), (uint)edited.Length);
            var sha = PackageHash.Sha256(blob);
            Handle(board, FrameType.TransferBegin, new TransferBegin(TransferSlot.Design, (ulong)blob.Length, 65536, sha, "fuzz").Encode(), seq++);
            Handle(board, FrameType.TransferChunk, new TransferChunk(TransferSlot.Design, 0, blob).Encode(), seq++);
            var reply = CommitUntilAnswered(board, sha, seq++);
            if (reply.Type == FrameType.Committed) RunOnce(board, ref seq);
        }
    }

    /// <summary>An accepted design must also run (or fail its run with a message), never hang or crash the board.</summary>
    private static void RunOnce(BoardFirmware board, ref ushort seq)
    {
        var accepted = Handle(board, FrameType.Run, new RunRequest(2, 1, ImageSource.Generated, 3).Encode(), seq++);
        if (accepted.Type != FrameType.RunAccepted) return;
        uint runId = RunAccepted.Decode(accepted.Payload).RunId;
        for (int i = 0; i < 30_000; i++)
        {
            var results = RunResults.Decode(Handle(board, FrameType.Results, new ResultsRequest(runId).Encode(), seq++).Payload);
            if (results.State != RunState.Running) return;
            Thread.Sleep(1);
        }
        Assert.Fail($"run {runId} did not end");
    }
}
