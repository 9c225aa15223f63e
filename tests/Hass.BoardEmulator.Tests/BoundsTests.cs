using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Hass.Abstractions;
using Hass.Board.Protocol;
using Hass.Board.Testing;

namespace Hass.BoardEmulator.Tests;

/// <summary>
/// The emulator refuses what it cannot hold, with the protocol's error codes, and stays up: each case is a small hostile request sent to the real emulator process over loopback TCP.
/// </summary>
public class BoundsTests
{
    private static byte[] Package(HardwareDesign design, DeployableNetwork network) => new DeploymentPackage(design, network).Encode();

    /// <summary>The TinyNet package with its manifest JSON edited.</summary>
    private static byte[] EditedPackage(Func<string, string> edit)
    {
        var package = Package(TinyNet.Design(), TinyNet.Network());
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(package.AsSpan(8));
        var manifest = Encoding.UTF8.GetBytes(edit(Encoding.UTF8.GetString(package, 12, length)));
        byte[] result = [.. package.AsSpan(0, 8), 0, 0, 0, 0, .. manifest, .. package.AsSpan(12 + length)];
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)manifest.Length);
        return result;
    }

    private static async Task<ErrorReply> DeployExpectingErrorAsync(byte[] package, params string[] emulatorArgs)
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0", .. emulatorArgs]);
        await using var board = await RawBoard.ConnectAsync(emulator.Address);
        var error = await board.CommitExpectingErrorAsync(TransferSlot.Design, package);
        await board.AssertAliveAsync();
        Assert.Equal(0u, (await board.Context.StatusAsync(CancellationToken.None)).DesignId);
        return error;
    }

    [Fact]
    public async Task A_folding_of_a_billion_lanes_is_refused_for_the_memory_budget()
    {
        var package = EditedPackage(m => Regex.Replace(m, "\"coarseIn\"\\s*:\\s*2", "\"coarseIn\": 1000000000"));
        Assert.True(package.Length < 65536);
        var error = await DeployExpectingErrorAsync(package);
        Assert.Equal(ErrorCode.DesignRejected, error.Code);
        Assert.Contains("memory budget", error.Message);
    }

    [Fact]
    public async Task A_graph_input_of_46000_squared_is_refused()
    {
        var shape = new TensorShape(1, 46000, 46000);
        var graph = new NetworkGraph
        {
            Name = "huge",
            Layers =
            [
                new Layer { Name = "input", Kind = LayerKind.Input, InputShape = shape, OutputShape = shape },
                new Layer { Name = "relu", Kind = LayerKind.ReLU, Inputs = ["input"], InputShape = shape, OutputShape = shape },
            ],
        };
        var design = TinyNet.Design() with
        {
            Graph = graph.Name, GraphHash = graph.ContentHash(),
            Layers = [new LayerDesign { Layer = "relu", Kind = LayerKind.ReLU, Folding = LayerFolding.Unit }],
        };
        var error = await DeployExpectingErrorAsync(Package(design, new DeployableNetwork(graph, [], new Dictionary<string, double>())));
        Assert.Equal(ErrorCode.DesignRejected, error.Code);
        Assert.Contains("memory budget", error.Message);
    }

    [Fact]
    public async Task A_design_made_for_zedboard_is_refused_by_an_emulated_u250()
    {
        var error = await DeployExpectingErrorAsync(Package(TinyNet.Design(board: "zedboard"), TinyNet.Network()));
        Assert.Equal(ErrorCode.DesignRejected, error.Code);
        Assert.Contains("'zedboard'", error.Message);
        Assert.Contains("'u250'", error.Message);
    }

    [Fact]
    public async Task Negative_resources_are_refused()
    {
        var design = TinyNet.Design() with { Resources = new ResourceUsage(Dsp: 10, Lut: -5) };
        var error = await DeployExpectingErrorAsync(Package(design, TinyNet.Network()));
        Assert.Equal(ErrorCode.DesignRejected, error.Code);
        Assert.Contains("LUT", error.Message);
    }

    [Fact]
    public async Task A_tensor_offset_of_2_to_the_63_is_answered_with_design_rejected()
    {
        var package = EditedPackage(m => Regex.Replace(m, "\"weightsOffset\"\\s*:\\s*0", "\"weightsOffset\": 9223372036854775807"));
        var error = await DeployExpectingErrorAsync(package);
        Assert.Equal(ErrorCode.DesignRejected, error.Code);
        Assert.Contains("outside the data section", error.Message);
    }

    [Fact]
    public async Task An_image_set_header_of_2_to_the_31_squared_images_is_answered_with_bad_payload()
    {
        var header = ImageSet.Header(1u << 31, 1u << 31, 1, 1);
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0"]);
        await using var board = await RawBoard.ConnectAsync(emulator.Address);
        Assert.Equal(ErrorCode.BadPayload, (await board.CommitExpectingErrorAsync(TransferSlot.Images, header)).Code);
        await board.AssertAliveAsync();
    }

    [Theory]
    [InlineData(1u, uint.MaxValue)]
    [InlineData(uint.MaxValue, 1u)]
    [InlineData(uint.MaxValue, uint.MaxValue)]
    [InlineData(0u, 5u)]
    [InlineData(100_000u, 1u)]
    public async Task Run_counts_out_of_range_or_overflowing_32_bits_are_bad_payload(uint images, uint warmup)
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0"]);
        await using var board = await RawBoard.ConnectAsync(emulator.Address);
        Assert.Equal(FrameType.Committed, (await board.Context.TransferAsync(TransferSlot.Design, Package(TinyNet.Design(), TinyNet.Network()), CancellationToken.None)).Type);
        var reply = await board.RequestAsync(FrameType.Run, new RunRequest(images, warmup, ImageSource.Generated, 1).Encode());
        Assert.Equal(FrameType.Error, reply.Type);
        Assert.Equal(ErrorCode.BadPayload, ErrorReply.Decode(reply.Payload).Code);
        await board.AssertAliveAsync();
    }

    [Fact]
    public async Task A_run_larger_than_the_memory_budget_is_refused_and_transfers_are_bounded_by_it()
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0", "--memory-budget", "16MiB"]);
        await using var board = await RawBoard.ConnectAsync(emulator.Address);
        Assert.Equal(FrameType.Committed, (await board.Context.TransferAsync(TransferSlot.Design, Package(TinyNet.Design(), TinyNet.Network()), CancellationToken.None)).Type);
        var run = ErrorReply.Decode((await board.RequestAsync(FrameType.Run, new RunRequest(90_000, 0, ImageSource.Generated, 1).Encode())).Payload);
        Assert.Equal((ErrorCode.BadPayload, true), (run.Code, run.Message.Contains("memory budget")));
        var begin = await board.RequestAsync(FrameType.TransferBegin, new TransferBegin(TransferSlot.Images, 5 << 20, 65536, new byte[32], "too large").Encode());
        Assert.Equal(ErrorCode.TooLarge, ErrorReply.Decode(begin.Payload).Code);
        await board.AssertAliveAsync();
    }

    [Fact]
    public async Task SIGTERM_stops_the_emulator_cleanly_with_exit_code_0()
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0"]);
        using (var kill = Process.Start("kill", ["-TERM", emulator.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
            await kill.WaitForExitAsync();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.Equal(0, await emulator.WaitForExitAsync(wait.Token));
    }
}
