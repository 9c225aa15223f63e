using Hass.Abstractions;
using Hass.Board.Protocol;
using Hass.Board.Testing;

namespace Hass.Board.Tests;

public class MessageTests
{
    [Fact]
    public void Every_message_round_trips()
    {
        var info = new BoardInfo { BoardName = "zcu102", Part = "xczu9eg", Firmware = "fw 1.2", BoardId = "SN42", ClockKHz = 200000, Dsp = 2520, Bram18 = 1824, Lut = 274080, Ff = 548160, BootId = 3, Features = BoardFeatures.GeneratedImages | BoardFeatures.Emulated };
        Assert.Equal(info, BoardInfo.Decode(info.Encode()));
        var status = new StatusReply(BoardState.Running, 4, 2, 9, 123456, 77, 1);
        Assert.Equal(status, StatusReply.Decode(status.Encode()));
        var sha = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var begin = TransferBegin.Decode(new TransferBegin(TransferSlot.Design, 1000, 256, sha, "design x").Encode());
        Assert.Equal((TransferSlot.Design, 1000UL, 256U, "design x"), (begin.Slot, begin.TotalBytes, begin.BlockSize, begin.Description));
        Assert.Equal(sha, begin.Sha256);
        var state = TransferState.Decode(new TransferState(TransferSlot.Images, 1000, 256, 4, 2, [0b0101]).Encode());
        Assert.True(state.Has(0) && !state.Has(1) && state.Has(2) && !state.Has(3) && !state.Has(99));
        var chunk = TransferChunk.Decode(new TransferChunk(TransferSlot.Design, 3, [1, 2, 3]).Encode());
        Assert.Equal(3U, chunk.FirstBlock);
        Assert.Equal(new byte[] { 1, 2, 3 }, chunk.Data);
        Assert.Equal(new ChunkAck(TransferSlot.Design, 3, 1, 4), ChunkAck.Decode(new ChunkAck(TransferSlot.Design, 3, 1, 4).Encode()));
        Assert.Equal(new RunRequest(16, 2, ImageSource.Generated, 99), RunRequest.Decode(new RunRequest(16, 2, ImageSource.Generated, 99).Encode()));
        Assert.Equal(new RunAccepted(5, 2), RunAccepted.Decode(new RunAccepted(5, 2).Encode()));
        var results = new RunResults { RunId = 5, State = RunState.Done, ImagesDone = 18, Images = 16, Warmup = 2, TotalCycles = 123456789012, ClockKHz = 250000, DesignId = 2, Layers = [new(10, 2), new(30, 0)], Predictions = [3, 1, 4], Message = "ok" };
        var back = RunResults.Decode(results.Encode());
        Assert.Equal(results.Layers, back.Layers);
        Assert.Equal(results.Predictions, back.Predictions);
        Assert.Equal(results with { Layers = back.Layers, Predictions = back.Predictions }, back);
        Assert.Equal(new ErrorReply(ErrorCode.Busy, FrameType.Run, "busy"), ErrorReply.Decode(new ErrorReply(ErrorCode.Busy, FrameType.Run, "busy").Encode()));
    }

    [Fact]
    public void A_short_payload_names_the_message_and_field()
    {
        var bytes = new RunRequest(16, 2, ImageSource.Generated, 99).Encode()[..8];
        var e = Assert.Throws<ProtocolException>(() => RunRequest.Decode(bytes));
        Assert.Contains("RUN", e.Message);
        Assert.Contains("'source'", e.Message);
    }

    [Fact]
    public void Deployment_package_round_trips_design_graph_weights_and_thresholds()
    {
        var network = TinyNet.Network();
        var design = TinyNet.Design();
        var back = DeploymentPackage.Decode(new DeploymentPackage(design, network).Encode());
        Assert.Equal(design.DesignHash(), back.Design.DesignHash());
        Assert.Equal(network.Graph.ContentHash(), back.Network.Graph.ContentHash());
        Assert.Equal(network.ActivationThresholds, back.Network.ActivationThresholds);
        foreach (var (a, b) in network.Tensors.Zip(back.Network.Tensors))
        {
            Assert.Equal(a.Layer, b.Layer);
            Assert.Equal(a.Weights, b.Weights);
            Assert.Equal(a.Bias, b.Bias);
        }
        Assert.Equal(design.Layers[3].StreamChannels, back.Design.Layers[3].StreamChannels);
    }

    [Fact]
    public void Damaged_packages_fail_with_a_protocol_error()
    {
        var bytes = new DeploymentPackage(TinyNet.Design(), TinyNet.Network()).Encode();
        Assert.Throws<ProtocolException>(() => DeploymentPackage.Decode(bytes.AsSpan(0, 20)));
        var bad = (byte[])bytes.Clone();
        bad[14] = (byte)'!';
        Assert.Throws<ProtocolException>(() => DeploymentPackage.Decode(bad));
        Assert.Throws<ProtocolException>(() => DeploymentPackage.Decode(bytes.AsSpan(0, bytes.Length - 40)));
    }

    [Fact]
    public void Image_set_round_trips_and_checks_its_size()
    {
        var images = ImageSet.Create(new TensorShape(1, 8, 8), TinyNet.Images(3));
        var back = ImageSet.Decode(images.Encode());
        Assert.Equal(3, back.Count);
        Assert.Equal(images.Data, back.Data);
        Assert.Throws<ProtocolException>(() => ImageSet.Decode(images.Encode().AsSpan(0, 100)));
        Assert.Throws<ArgumentException>(() => ImageSet.Create(new TensorShape(1, 8, 8), new float[65]));
    }
}
