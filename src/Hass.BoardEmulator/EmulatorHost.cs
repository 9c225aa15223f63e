using Hass.Abstractions;

namespace Hass.BoardEmulator;

/// <summary>Library entry point of the emulator (the `hass board emulate` command calls this).</summary>
public static class EmulatorHost
{
    /// <summary>Serves until cancelled, Ctrl+C / SIGTERM, or (with ExitOnStdinClose) the end of standard input. Returns the exit code.</summary>
    public static async Task<int> RunAsync(EmulatorOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();
        EmulatorServer server;
        Task serving;
        try
        {
            server = new EmulatorServer(options);
            serving = await server.StartAsync(stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or IOException or BoardLinkException or System.Net.Sockets.SocketException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"hass-board-emulator: {e.Message}").ConfigureAwait(false);
            return 1;
        }
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
