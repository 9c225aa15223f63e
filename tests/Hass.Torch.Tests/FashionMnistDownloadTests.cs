using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Hass.Torch.Data;

namespace Hass.Torch.Tests;

/// <summary>
/// The checksummed download against real HTTP servers on loopback, serving the Debian package's Fashion-MNIST
/// files (their digests differ from the published ones: Debian recompressed them, which the checksum check must
/// catch), or those files with the digests they really have.
/// </summary>
public sealed class FashionMnistDownloadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hass-fetch-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Names = [.. FashionMnistDownload.OfficialSha256.Keys];

    /// <summary>Small stand-ins for the four files (the real ones are 30 MB) with their true digests.</summary>
    private static Dictionary<string, byte[]> Files() =>
        Names.Select((name, i) => (name, bytes: Enumerable.Range(0, 5000 + i * 977).Select(j => (byte)(j * 31 + i)).ToArray()))
            .ToDictionary(x => x.name, x => x.bytes);

    private static Dictionary<string, string> DigestsOf(Dictionary<string, byte[]> files) =>
        files.ToDictionary(kv => kv.Key, kv => Convert.ToHexStringLower(SHA256.HashData(kv.Value)));

    private sealed class FileServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;
        public string Url { get; }
        public int Requests;

        /// <param name="truncate">Files whose body stops half-way (the connection is aborted).</param>
        public FileServer(Dictionary<string, byte[]> files, params string[] truncate)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            int port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/data/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _loop = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext ctx;
                    try { ctx = await _listener.GetContextAsync(); } catch { return; }
                    Interlocked.Increment(ref Requests);
                    var name = ctx.Request.Url!.Segments[^1];
                    if (!files.TryGetValue(name, out var body)) { ctx.Response.StatusCode = 404; ctx.Response.Close(); continue; }
                    ctx.Response.ContentLength64 = body.Length;
                    try
                    {
                        if (truncate.Contains(name))
                        {
                            await ctx.Response.OutputStream.WriteAsync(body.AsMemory(0, body.Length / 2));
                            await ctx.Response.OutputStream.FlushAsync();
                            ctx.Response.Abort();
                        }
                        else
                        {
                            await ctx.Response.OutputStream.WriteAsync(body);
                            ctx.Response.Close();
                        }
                    }
                    catch (HttpListenerException) { }
                }
            });
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task Fetches_every_file_verifies_it_and_fetches_nothing_twice()
    {
        var files = Files();
        using var server = new FileServer(files);
        using var http = new HttpClient();
        var folder = Path.Combine(_dir, "fmnist");

        Assert.Equal(4, await FashionMnistDownload.EnsureAsync(folder, http, [server.Url], DigestsOf(files)));
        foreach (var (name, bytes) in files) Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(folder, name)));
        Assert.Empty(Directory.GetFiles(folder, "*.part"));
        Assert.True(FashionMnistDownload.IsComplete(folder, DigestsOf(files)));

        int requests = server.Requests;
        Assert.Equal(0, await FashionMnistDownload.EnsureAsync(folder, http, [server.Url], DigestsOf(files)));
        Assert.Equal(requests, server.Requests);
    }

    [Fact]
    public async Task Falls_back_to_the_next_mirror()
    {
        var files = Files();
        using var empty = new FileServer([]);
        using var good = new FileServer(files);
        using var http = new HttpClient();
        var folder = Path.Combine(_dir, "fmnist");
        Assert.Equal(4, await FashionMnistDownload.EnsureAsync(folder, http, [empty.Url, good.Url], DigestsOf(files)));
        Assert.Equal(4, empty.Requests);
        Assert.True(FashionMnistDownload.IsComplete(folder, DigestsOf(files)));
    }

    [Fact]
    public async Task Debian_files_fail_the_published_digests_and_nothing_is_kept()
    {
        var debian = Datasets.FashionMnistDefaultPath;
        var files = Names.ToDictionary(n => n, n => File.ReadAllBytes(Path.Combine(debian, n)));
        using var server = new FileServer(files);
        using var http = new HttpClient();
        var folder = Path.Combine(_dir, "fmnist");

        var e = await Assert.ThrowsAsync<DatasetException>(() => FashionMnistDownload.EnsureAsync(folder, http, [server.Url]));
        Assert.Contains("train-images-idx3-ubyte.gz", e.Message);
        Assert.Contains("differs from the published " + FashionMnistDownload.OfficialSha256["train-images-idx3-ubyte.gz"], e.Message);
        Assert.Contains("dataset-fashion-mnist", e.Message);
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public async Task A_transfer_cut_short_is_an_error_and_leaves_no_file()
    {
        var files = Files();
        using var server = new FileServer(files, truncate: "t10k-images-idx3-ubyte.gz");
        using var http = new HttpClient();
        var folder = Path.Combine(_dir, "fmnist");

        var e = await Assert.ThrowsAsync<DatasetException>(() => FashionMnistDownload.EnsureAsync(folder, http, [server.Url], DigestsOf(files)));
        Assert.Contains("t10k-images-idx3-ubyte.gz", e.Message);
        Assert.False(File.Exists(Path.Combine(folder, "t10k-images-idx3-ubyte.gz")));
        Assert.Empty(Directory.GetFiles(folder, "*.part"));
        // The files before it were verified and stay; a second run fetches only what is missing.
        Assert.True(File.Exists(Path.Combine(folder, "train-labels-idx1-ubyte.gz")));
        using var fixedServer = new FileServer(files);
        Assert.Equal(2, await FashionMnistDownload.EnsureAsync(folder, http, [fixedServer.Url], DigestsOf(files)));
    }

    [Fact]
    public async Task A_present_file_with_the_wrong_digest_is_reported_and_left_alone()
    {
        var files = Files();
        using var server = new FileServer(files);
        using var http = new HttpClient();
        var folder = Path.Combine(_dir, "fmnist");
        Directory.CreateDirectory(folder);
        var stale = Path.Combine(folder, Names[0]);
        File.WriteAllText(stale, "not the dataset");

        var e = await Assert.ThrowsAsync<DatasetException>(() => FashionMnistDownload.EnsureAsync(folder, http, [server.Url], DigestsOf(files)));
        Assert.Contains(stale, e.Message);
        Assert.Contains("delete it", e.Message);
        Assert.Equal("not the dataset", File.ReadAllText(stale));
    }

    [Fact]
    public void The_published_digests_are_sha256_of_the_four_files()
    {
        Assert.Equal(["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"], Names);
        Assert.All(FashionMnistDownload.OfficialSha256.Values, d => Assert.Matches("^[0-9a-f]{64}$", d));
        Assert.All(FashionMnistDownload.OfficialMirrors, m => Assert.EndsWith("/", m));
    }
}
