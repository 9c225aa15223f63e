using System.Diagnostics;
using Hass.Engine.Campaigns;
using Hass.Torch.Data;
using Spectre.Console;

namespace Hass.Cli;

/// <summary>
/// First-run set-up of the default data: when a campaign uses Fashion-MNIST from its default place and it is not
/// there, install the Debian/Ubuntu package dataset-fashion-mnist (as root, with apt-get); elsewhere, or when that
/// fails, download it from the official location with SHA-256 checks into the cache (<see cref="FashionMnistDownload"/>).
/// Says what it does either way.
/// </summary>
internal static class DatasetSetup
{
    public const string Package = "dataset-fashion-mnist";

    public static async Task EnsureFashionMnistAsync(CampaignSpec spec, CliContext ctx, CancellationToken cancellationToken)
    {
        if (spec.Dataset.Name != "fashion-mnist" || spec.Dataset.Path is not null) return;
        if (Environment.GetEnvironmentVariable(Datasets.FashionMnistPathVariable) is { Length: > 0 }) return;
        if (Datasets.FindFashionMnist() is not null) return;

        var aptGet = new[] { "/usr/bin/apt-get", "/bin/apt-get" }.FirstOrDefault(File.Exists);
        if (aptGet is not null && Environment.UserName == "root")
        {
            ctx.Out.WriteLine($"Fashion-MNIST is not in {Datasets.FashionMnistDefaultPath}: installing the Debian package {Package} with apt-get");
            if (Run(aptGet, "install", "-y", "-q", Package) == 0 || (Run(aptGet, "update", "-q") == 0 && Run(aptGet, "install", "-y", "-q", Package) == 0))
            {
                ctx.Out.WriteLine($"installed {Package}");
                return;
            }
            ctx.Warn($"apt-get could not install {Package}; downloading the files instead");
        }
        // Before the command's host listens for Ctrl-C: without this a signal would leave the file being downloaded behind.
        await Commands.Interruptible.Run("stopped while getting Fashion-MNIST; no partial file was kept and nothing was run",
            token => DownloadAsync(FashionMnistDownload.CacheFolder, FashionMnistDownload.Mirrors, ctx, token), cancellationToken);
    }

    /// <summary>Checksummed download into <paramref name="folder"/>, with progress lines; throws DatasetException on failure.</summary>
    public static async Task DownloadAsync(string folder, IReadOnlyList<string> mirrors, CliContext ctx, CancellationToken cancellationToken)
    {
        ctx.Out.WriteLine($"getting Fashion-MNIST into {folder} (SHA-256 checked against the published digests)");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var fetched = await FashionMnistDownload.EnsureAsync(folder, http, mirrors, progress: line => ctx.Out.WriteLine("  " + line),
            cancellationToken: cancellationToken);
        ctx.Out.WriteLine(fetched == 0 ? $"Fashion-MNIST already complete and verified in {folder}" : $"downloaded and verified {fetched} file(s) into {folder}");
    }

    private static int Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode;
    }
}
