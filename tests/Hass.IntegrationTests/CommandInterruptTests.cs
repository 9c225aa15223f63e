using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hass.IntegrationTests;

/// <summary>
/// Ctrl-C on the model and dataset commands as real processes: they stop within a batch or a read, exit 130 with one
/// line, and leave no checkpoint and no partial download behind.
/// </summary>
public class CommandInterruptTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    [Fact]
    public void Ctrl_c_stops_hass_model_train_between_batches_with_exit_130_and_no_checkpoint()
    {
        var dir = HassProcess.TempDir();
        var cache = Path.Combine(dir, "cache");
        using (var p = HassProcess.StartIn(dir, ["model", "train", "fmnist-vgg", "--force", "--epochs", "1", "--threads", "1", "--cache", cache]))
        {
            Assert.True(p.WaitForOutput("fmnist-vgg: training 1 epochs", Long), p.Out + p.Err);
            Interrupts.StopsAtOnce(p, "error: interrupted: hass model train stopped; no checkpoint was written");
            Assert.DoesNotContain("epoch 1/1", p.Out);
        }
        Assert.Empty(Directory.Exists(cache) ? Directory.GetFileSystemEntries(cache, "*", SearchOption.AllDirectories) : []);
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void A_signal_stops_hass_dataset_fetch_mid_file_with_exit_130_and_no_partial_file(string signal)
    {
        var folder = Path.Combine(HassProcess.TempDir(), "fmnist");
        using var mirror = new StalledMirror();
        using (var p = HassProcess.Start(["dataset", "fetch", "--to", folder, "--mirror", mirror.Url]))
        {
            Assert.True(mirror.Sent.Wait(Long), p.Out + p.Err);
            Assert.True(Polling.Until(() => Directory.Exists(folder) && Directory.GetFiles(folder, "*.part").Length == 1, Long), p.Out + p.Err);
            Interrupts.StopsAtOnce(p, "error: interrupted: hass dataset fetch stopped; no partial file was kept", signal);
        }
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    /// <summary>A mirror on loopback that announces a 1 MB file, sends its first kilobyte and then nothing more.</summary>
    private sealed class StalledMirror : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _clients = [];
        private readonly Thread _thread;

        public StalledMirror()
        {
            _listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
            _thread = new Thread(Serve) { IsBackground = true };
            _thread.Start();
        }

        public string Url { get; }
        /// <summary>Set once the first kilobyte went out.</summary>
        public ManualResetEventSlim Sent { get; } = new();

        private void Serve()
        {
            try
            {
                var client = _listener.AcceptSocket();
                lock (_clients) _clients.Add(client);
                client.Receive(new byte[4096]);
                client.Send(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n"));
                client.Send(new byte[1000]);
                Sent.Set();
            }
            catch (SocketException) { }   // the test ended first
        }

        public void Dispose()
        {
            _listener.Stop();
            lock (_clients) foreach (var c in _clients) c.Dispose();
            _thread.Join(TimeSpan.FromSeconds(5));
            Sent.Dispose();
        }
    }
}
