using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Hass.IntegrationTests;

/// <summary>A real redis-server (the Debian package) on a free loopback port with a temporary folder, killed on Dispose.</summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }
    public string Url => $"redis://127.0.0.1:{Port}";

    /// <summary>
    /// A redis-server on a free loopback port; with <paramref name="password"/>, one that requires it (requirepass); each of
    /// <paramref name="users"/> is an ACL user as redis.conf writes it ("name on &gt;password ~keys +commands").
    /// </summary>
    public static RedisServer Start(string? password = null, params string[] users)
    {
        var port = FreePort();
        var dir = HassProcess.TempDir();
        var psi = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (var a in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no" })
            psi.ArgumentList.Add(a);
        if (password is not null) foreach (var a in new[] { "--requirepass", password }) psi.ArgumentList.Add(a);
        foreach (var user in users)
            foreach (var a in user.Split(' ').Prepend("--user")) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port);
        var watch = Stopwatch.StartNew();
        while (!Accepts(port))
        {
            if (process.HasExited || watch.Elapsed > TimeSpan.FromSeconds(20))
            {
                server.Dispose();
                throw new InvalidOperationException($"redis-server did not listen on port {port}");
            }
            Thread.Sleep(50);
        }
        return server;
    }

    /// <summary>Runs one command as <paramref name="user"/> (e.g. an admin changing another user's ACL while a campaign runs).</summary>
    public void Command(string user, string password, params object[] command)
    {
        using var redis = StackExchange.Redis.ConnectionMultiplexer.Connect(new StackExchange.Redis.ConfigurationOptions
        {
            EndPoints = { { IPAddress.Loopback, Port } }, User = user, Password = password,
        });
        redis.GetDatabase().Execute((string)command[0], command[1..]);
    }

    /// <summary>A loopback port nobody listens on now (the OS picks it).</summary>
    public static int FreePort() => FreePorts(1)[0];

    /// <summary><paramref name="count"/> different free loopback ports.</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        foreach (var l in listeners) l.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return ports;
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Stops the server at once (SIGKILL), as a crashed Redis or a lost network would look to its clients.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit();
        _process.Dispose();
    }
}
