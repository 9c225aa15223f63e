using Hass.Abstractions;
using Hass.Board;
using Hass.Board.Protocol;
using Hass.BoardEmulator.Engine;

namespace Hass.BoardEmulator;

/// <summary>Library entry point of the emulator (the `hass board emulate` command calls this).</summary>
public static class EmulatorHost
{
    /// <summary>
    /// Runs a one-layer design through decode, checks and a forward pass once, so the first real COMMIT and RUN
    /// do not pay for JIT and JSON start-up.
    /// </summary>
    public static void Warmup(BoardSpec board)
    {
        var shape = new TensorShape(1, 4, 4);
        var graph = new NetworkGraph
        {
            Name = "warmup",
            Layers =
            [
                new Layer { Name = "input", Kind = LayerKind.Input, InputShape = shape, OutputShape = shape },
                new Layer { Name = "conv", Kind = LayerKind.Conv, Inputs = ["input"], InputShape = shape, OutputShape = new TensorShape(1, 2, 2), KernelRows = 3, KernelCols = 3 },
            ],
        };
        var design = new HardwareDesign
        {
            Backend = "warmup", BackendVersion = "0", Board = board.Name, Graph = graph.Name, GraphHash = graph.ContentHash(),
            Layers = [new LayerDesign { Layer = "conv", Kind = LayerKind.Conv, Folding = LayerFolding.Unit, Sparse = true }],
            Performance = new Performance(), Resources = ResourceUsage.Zero,
        };
        var package = new DeploymentPackage(design, new DeployableNetwork(graph, [new LayerTensors("conv", new float[9], null)], new Dictionary<string, double>()));
        var network = new EmulatedNetwork(DeploymentPackage.Decode(package.Encode()), board);
        RunExecutor.Execute(network, new RunRequest(2, 1, ImageSource.Generated, 1), null, 1000);
    }

    /// <summary>
    /// Serves until cancelled, SIGINT (Ctrl+C) / SIGTERM (both exit 0; a second signal ends the process at once), or (with ExitOnStdinClose) the end of standard input.
    /// Returns the exit code; a --tcp address or --serial device it cannot use is an <see cref="EmulatorSetupException"/>
    /// for the caller to report in its own style.
    /// </summary>
    public static async Task<int> RunAsync(EmulatorOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // SIGINT and SIGTERM are the normal way to stop a server: both end it cleanly with exit code 0
        // (without the handler the runtime would end the process with 143 on SIGTERM).
        using var signals = InterruptSignals.Listen(cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(signals.Token);
        return await ServeAsync(options, output, error, stop).ConfigureAwait(false);
    }

    private static async Task<int> ServeAsync(EmulatorOptions options, TextWriter output, TextWriter error, CancellationTokenSource stop)
    {
        var server = new EmulatorServer(options) { LinkErrors = error };
        var serving = await server.StartAsync(stop.Token).ConfigureAwait(false);
        Warmup(server.Firmware.Board);
        var board = server.Firmware.Board;
        await output.WriteLineAsync($"listening {server.Address}").ConfigureAwait(false);
        await output.WriteLineAsync($"board {board.Name} ({board.Part}), {board.ClockMhz} MHz, firmware {BoardFirmware.FirmwareVersion}").ConfigureAwait(false);
        await output.FlushAsync(stop.Token).ConfigureAwait(false);
        if (options.ExitOnStdinClose)
        {
            _ = Task.Run(() =>
            {
                try { while (Console.In.ReadLine() is not null) { } } catch (IOException) { }
                stop.Cancel();
            }, CancellationToken.None);
        }
        try { await serving.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        try { await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        return 0;
    }
}
