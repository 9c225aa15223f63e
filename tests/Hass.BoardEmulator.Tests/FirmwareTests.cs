using Hass.Board.Protocol;
using Hass.Board.Testing;

namespace Hass.BoardEmulator.Tests;

/// <summary>The board side of the protocol, driven frame by frame in-process.</summary>
public class FirmwareTests
{
    private readonly BoardFirmware _board = new(EmulatorOptions.DefaultBoard, "TEST-1");
    private ushort _seq = 100;

    private Frame Send(FrameType type, byte[] payload, ushort? sequence = null)
    {
        var bytes = _board.Handle(new DecodeResult(new Frame(type, sequence ?? _seq++, payload), default, 0));
        Assert.NotNull(bytes);
        var results = new List<DecodeResult>();
        new FrameDecoder().Feed(bytes, results);
        return Assert.Single(results).Frame!;
    }

    private ErrorReply SendExpectingError(FrameType type, byte[] payload)
    {
        var reply = Send(type, payload);
        Assert.Equal(FrameType.Error, reply.Type);
        return ErrorReply.Decode(reply.Payload);
    }

    private TransferState Begin(byte[] data, int blockSize = 256) =>
        TransferState.Decode(Send(FrameType.TransferBegin, new TransferBegin(TransferSlot.Design, (ulong)data.Length, (uint)blockSize, PackageHash.Sha256(data), "test").Encode()).Payload);

    private void SendBlocks(byte[] data, uint from, uint to, int blockSize = 256)
    {
        for (uint b = from; b < to; b++)
        {
            int offset = (int)(b * blockSize), length = Math.Min(blockSize, data.Length - offset);
            Assert.Equal(FrameType.ChunkAck, Send(FrameType.TransferChunk, new TransferChunk(TransferSlot.Design, b, data.AsSpan(offset, length).ToArray()).Encode()).Type);
        }
    }

    /// <summary>COMMIT, re-sent with the same sequence number while the board answers BUSY (verifying).</summary>
    private Frame Commit(byte[] sha)
    {
        ushort sequence = _seq++;
        for (int i = 0; ; i++)
        {
            var reply = Send(FrameType.TransferCommit, new TransferCommit(TransferSlot.Design, sha).Encode(), sequence);
            if (reply.Type != FrameType.Error || ErrorReply.Decode(reply.Payload).Code != ErrorCode.Busy || i > 2000) return reply;
            Thread.Sleep(5);
        }
    }

    private uint DesignId() => StatusReply.Decode(Send(FrameType.Status, []).Payload).DesignId;

    private static byte[] Package(double pruneBelow = 0.3) => new DeploymentPackage(TinyNet.Design(), TinyNet.Network(pruneBelow)).Encode();

    [Fact]
    public void A_transfer_resumes_from_the_blocks_the_board_reports_and_commits_atomically()
    {
        var data = Package();
        var state = Begin(data);
        uint blocks = state.BlockCount;
        Assert.Equal((uint)((data.Length + 255) / 256), blocks);
        SendBlocks(data, 0, blocks / 2);

        var resumed = Begin(data); // after a break: same content, the board still holds the first half
        Assert.Equal(blocks / 2, resumed.BlocksReceived);
        Assert.True(resumed.Has(0) && !resumed.Has(blocks / 2));

        var incomplete = ErrorReply.Decode(Commit(PackageHash.Sha256(data)).Payload);
        Assert.Equal(ErrorCode.TransferIncomplete, incomplete.Code);
        Assert.Equal(0u, DesignId());

        SendBlocks(data, blocks / 2, blocks);
        var committed = Committed.Decode(Commit(PackageHash.Sha256(data)).Payload);
        Assert.Equal(1u, committed.Id);
        Assert.Equal(1u, DesignId());
    }

    [Fact]
    public void Content_that_does_not_match_its_hash_is_dropped_and_the_deployed_design_stays()
    {
        var good = Package();
        Begin(good);
        SendBlocks(good, 0, (uint)((good.Length + 255) / 256));
        Commit(PackageHash.Sha256(good));

        var other = Package(pruneBelow: 0.5);
        var damaged = (byte[])other.Clone();
        damaged[^5] ^= 0x40;
        var begin = new TransferBegin(TransferSlot.Design, (ulong)other.Length, 256, PackageHash.Sha256(other), "x");
        Send(FrameType.TransferBegin, begin.Encode());
        SendBlocks(damaged, 0, (uint)((other.Length + 255) / 256));
        var error = ErrorReply.Decode(Commit(PackageHash.Sha256(other)).Payload);
        Assert.Equal(ErrorCode.HashMismatch, error.Code);
        Assert.Equal(1u, DesignId());
        Assert.Equal(ErrorCode.NoTransfer, ErrorReply.Decode(Commit(PackageHash.Sha256(other)).Payload).Code);
    }

    [Fact]
    public void A_design_too_large_for_the_board_is_rejected_with_the_reason()
    {
        var data = new DeploymentPackage(TinyNet.Design(dsp: 50_000), TinyNet.Network()).Encode();
        Begin(data);
        SendBlocks(data, 0, (uint)((data.Length + 255) / 256));
        var error = ErrorReply.Decode(Commit(PackageHash.Sha256(data)).Payload);
        Assert.Equal(ErrorCode.DesignRejected, error.Code);
        Assert.Contains("DSP 50000", error.Message);
        Assert.Contains("'u250'", error.Message);
    }

    [Fact]
    public void A_re_sent_request_with_the_same_sequence_number_gets_the_cached_reply_and_runs_once()
    {
        var data = Package();
        Begin(data);
        SendBlocks(data, 0, (uint)((data.Length + 255) / 256));
        Commit(PackageHash.Sha256(data));
        var run = new RunRequest(4, 1, ImageSource.Generated, 3).Encode();
        var first = Send(FrameType.Run, run, sequence: 9000);
        var again = Send(FrameType.Run, run, sequence: 9000);
        Assert.Equal(FrameCodec.Encode(first), FrameCodec.Encode(again));
        Assert.Equal(RunAccepted.Decode(first.Payload).RunId, StatusReply.Decode(Send(FrameType.Status, []).Payload).LastRunId);

        RunResults results;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do results = RunResults.Decode(Send(FrameType.Results, new ResultsRequest(RunAccepted.Decode(first.Payload).RunId).Encode()).Payload);
        while (results.State == RunState.Running && DateTime.UtcNow < deadline);
        Assert.Equal(RunState.Done, results.State);
        Assert.Equal(5u, results.ImagesDone);
        Assert.Equal(TinyNet.Design().Layers.Count, results.Layers.Count);
    }

    [Fact]
    public void Errors_name_the_problem()
    {
        Assert.Equal(ErrorCode.NotDeployed, SendExpectingError(FrameType.Run, new RunRequest(1, 0, ImageSource.Generated, 1).Encode()).Code);
        Assert.Equal(ErrorCode.NoTransfer, SendExpectingError(FrameType.TransferChunk, new TransferChunk(TransferSlot.Design, 0, [1]).Encode()).Code);
        Assert.Equal(ErrorCode.NoSuchRun, SendExpectingError(FrameType.Results, new ResultsRequest(42).Encode()).Code);
        Assert.Equal(ErrorCode.BadPayload, SendExpectingError(FrameType.Run, [1, 2]).Code);
        Assert.Equal(ErrorCode.UnknownType, SendExpectingError((FrameType)0x55, []).Code);
        var crc = _board.Handle(new DecodeResult(null, FrameType.TransferChunk, 777))!;
        var results = new List<DecodeResult>();
        new FrameDecoder().Feed(crc, results);
        Assert.Equal((FrameType.Error, (ushort)777), (results[0].Frame!.Type, results[0].Frame!.Sequence));
        Assert.Equal(ErrorCode.BadFrame, ErrorReply.Decode(results[0].Frame!.Payload).Code);
    }

    [Fact]
    public void Reboot_forgets_everything_and_changes_the_boot_id()
    {
        var data = Package();
        Begin(data);
        SendBlocks(data, 0, 3);
        uint boot = _board.BootId;
        _board.Reboot();
        Assert.Equal(boot + 1, BoardInfo.Decode(Send(FrameType.Hello, new HelloRequest(1, "t").Encode()).Payload).BootId);
        Assert.Equal(0u, Begin(data).BlocksReceived);
    }
}
