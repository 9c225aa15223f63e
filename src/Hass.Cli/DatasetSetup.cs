using System.Diagnostics;
using Hass.Engine.Campaigns;
using Hass.Torch.Data;
using Spectre.Console;

namespace Hass.Cli;

/// <summary>
/// First-run set-up of the default data: when a campaign uses Fashion-MNIST from its default place and it is not
/// there, install the Debian/Ubuntu package dataset-fashion-mnist (as root, with apt-get) and say so.
/// </summary>
internal static class DatasetSetup
{
    public const string Package = "dataset-fashion-mnist";

    public static void EnsureFashionMnist(CampaignSpec spec, CliContext ctx)
    {
        if (spec.Dataset.Name != "fashion-mnist" || spec.Dataset.Path is not null) return;
        if (Environment.GetEnvironmentVariable(Datasets.FashionMnistPathVariable) is { Length: > 0 }) return;
        if (Directory.Exists(Datasets.FashionMnistDefaultPath) && Directory.EnumerateFiles(Datasets.FashionMnistDefaultPath).Any()) return;

        var aptGet = new[] { "/usr/bin/apt-get", "/bin/apt-get" }.FirstOrDefault(File.Exists);
        if (aptGet is null || Environment.UserName != "root")
        {
            ctx.Warn($"Fashion-MNIST is not in {Datasets.FashionMnistDefaultPath}: " + (aptGet is null
                ? $"put the four IDX files in a folder and set ${Datasets.FashionMnistPathVariable}, or give dataset.path in the campaign"
                : $"run 'sudo apt-get install {Package}' (or set ${Datasets.FashionMnistPathVariable} to a folder with the IDX files)"));
            return;
        }
        ctx.Out.WriteLine($"Fashion-MNIST is not in {Datasets.FashionMnistDefaultPath}: installing the Debian package {Package} with apt-get");
        if (Run(aptGet, "install", "-y", "-q", Package) != 0 && (Run(aptGet, "update", "-q") != 0 || Run(aptGet, "install", "-y", "-q", Package) != 0))
            ctx.Warn($"apt-get could not install {Package}; install it by hand or set ${Datasets.FashionMnistPathVariable}");
        else
            ctx.Out.WriteLine($"installed {Package}");
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
