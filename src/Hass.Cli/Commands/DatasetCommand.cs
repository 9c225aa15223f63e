using System.CommandLine;
using Hass.Torch.Data;

namespace Hass.Cli.Commands;

/// <summary>`hass dataset fetch`: checksummed download of Fashion-MNIST for machines without the Debian package.</summary>
public sealed class DatasetCommand : ICliCommand
{
    public int Order => 45;
    private static readonly Option<string?> To = new Option<string?>("--to") { Description = $"Folder to fill (default: {FashionMnistDownload.CacheFolder}, where hass looks when the Debian package is absent)" }.ForPaths();
    private static readonly Option<string[]> Mirror = new("--mirror")
    {
        Description = $"Base URL to fetch from instead of the official locations (repeatable; also ${FashionMnistDownload.MirrorVariable}); the published SHA-256 digests are still enforced",
        AllowMultipleArgumentsPerToken = false,
    };

    public Command Build(CommandRunner run)
    {
        var fetch = new Command("fetch", "Download Fashion-MNIST from its official location and verify every file's SHA-256; nothing unverified is kept");
        fetch.Options.Add(To);
        fetch.Options.Add(Mirror);
        fetch.SetAction(run(Interruptible.Action("hass dataset fetch stopped; no partial file was kept", async (ctx, ct) =>
        {
            var folder = ctx.Parse.GetValue(To) ?? FashionMnistDownload.CacheFolder;
            var mirrors = ctx.Parse.GetValue(Mirror) is { Length: > 0 } m ? m : FashionMnistDownload.Mirrors;
            foreach (var mirror in mirrors)
                if (!Uri.TryCreate(mirror, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                    throw new UsageException($"mirror '{mirror}' is not an absolute http(s) URL (e.g. https://lab.example/fashion-mnist/); give --mirror URL or fix ${FashionMnistDownload.MirrorVariable}");
            await DatasetSetup.DownloadAsync(folder, mirrors, ctx, ct);
            return ExitCodes.Success;
        })));
        var cmd = new Command("dataset", "Datasets: fetch Fashion-MNIST off Debian/Ubuntu");
        cmd.Subcommands.Add(fetch);
        return cmd;
    }
}
