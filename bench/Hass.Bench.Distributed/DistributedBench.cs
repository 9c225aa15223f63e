using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Hass.Abstractions;
using Hass.Engine.Storage;

namespace Hass.Bench.Distributed;

/// <summary>Runs the owner and its workers as real processes per worker count and reads the rate from the store.</summary>
internal sealed class DistributedBench(string hassDll, string? campaign, int trials, string cluster, string work)
{
    private sealed record Figures(int Workers, int Trials, double Minutes, double WallSeconds);

    private static string Root => FindRoot(AppContext.BaseDirectory);

    public int Run(int[] workerCounts)
    {
        Directory.CreateDirectory(work);
        var results = new List<Figures>();
        foreach (var n in workerCounts)
        {
            var figures = RunOnce(n);
            if (figures is null) return 1;
            results.Add(figures);
            Console.WriteLine($"{Label(n)}: {figures.Trials} trials in {figures.Minutes:F2} min = {figures.Trials / figures.Minutes:F1} trials/min (whole command {figures.WallSeconds:F0} s)");
        }
        Console.WriteLine();
        Console.WriteLine("| run | trials | trials/min | × first row |");
        Console.WriteLine("|---|---|---|---|");
        var first = results[0].Trials / results[0].Minutes;
        foreach (var r in results)
            Console.WriteLine($"| {Label(r.Workers)} | {r.Trials} | {r.Trials / r.Minutes:F1} | {r.Trials / r.Minutes / first:F2}× |");
        return 0;
    }

    private static string Label(int workers) => workers == 0 ? "one process" : $"owner + {workers} worker(s)";

    private Figures? RunOnce(int workers)
    {
        var store = Path.Combine(work, $"w{workers}.db");
        foreach (var f in new[] { store, store + ".lock", store + ".lock.pid" }) File.Delete(f);
        var campaignFile = campaign ?? NoopCampaign();
        var ports = FreePorts(2);
        string[] clusterArgs = workers == 0 ? [] : ["--cluster", cluster, "--silo-port", $"{ports[0]}", "--gateway-port", $"{ports[1]}"];
        var parallelism = workers == 0 ? 1 : campaign is null ? 2 * workers : workers; // no-op trials: one queued per worker hides the round trip
        string[] runArgs = ["run", campaignFile, "--store", store, "--trials", $"{trials}", "--parallelism", $"{parallelism}", .. clusterArgs, .. Extra()];
        var started = new List<Process>();
        var watch = Stopwatch.StartNew();
        try
        {
            for (int i = 0; i < workers; i++)
                started.Add(Start(["worker", campaignFile, "--cluster", cluster, "--gateway-port", $"{ports[1]}", .. Extra()], Path.ChangeExtension(store, $".worker{i}.log")));
            var owner = Start(runArgs, Path.ChangeExtension(store, ".log"));
            started.Add(owner);
            owner.WaitForExit();
            if (owner.ExitCode != 0)
            {
                Console.Error.WriteLine($"error: hass run exited {owner.ExitCode} ({Label(workers)}); see {Path.ChangeExtension(store, ".log")}");
                return null;
            }
        }
        finally
        {
            foreach (var p in started.Where(p => !p.HasExited)) p.Kill(entireProcessTree: true);
        }
        using var s = HassStore.Open(store, StoreAccess.Read);
        var main = s.Campaigns().Last(c => !c.Name.EndsWith("-uniform", StringComparison.Ordinal));
        var done = s.Trials(main.Name).Where(t => t.State != TrialState.Abandoned).ToList();
        var minutes = (done.Max(t => t.FinishedAt) - done.Min(t => t.StartedAt)).TotalMinutes;
        return new Figures(workers, done.Count, minutes, watch.Elapsed.TotalSeconds);
    }

    /// <summary>The no-op campaign reads the synthetic test plugin and the fixture boards of the repository.</summary>
    private string[] Extra() => campaign is not null ? [] :
    [
        "--no-builtin-plugins", "--no-builtin-boards", "--plugins", Path.Combine(Root, "artifacts", "testplugins", "Hass.TestPlugins.Synthetic"),
        "--boards", Path.Combine(Root, "tests", "Hass.IntegrationTests", "Fixtures", "boards"),
    ];

    private string NoopCampaign()
    {
        var path = Path.Combine(work, "noop.json");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(Root, "examples", "synthetic.json")).Replace("\"name\": \"synthetic\"", "\"name\": \"noop\""));
        return path;
    }

    private Process Start(string[] args, string log)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = work };
        psi.ArgumentList.Add(hassDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["HASS_TORCH_THREADS"] = "1";
        var process = Process.Start(psi)!;
        var writer = new StreamWriter(log) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (writer) writer.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        foreach (var l in listeners) l.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return ports;
    }

    private static string FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "HASS.Engine.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
