using System.Security.Cryptography;
using Hass.Abstractions;

namespace Hass.Torch.Data;

/// <summary>
/// Checksummed download of Fashion-MNIST from the dataset's official locations, for machines without the Debian
/// package. Each file is streamed to a .part file while its SHA-256 is computed, and moved into place only when
/// the digest equals the published one; a file already in the folder with the right digest is kept. Mirrors are
/// tried in order. Nothing half-written or unverified is ever left under a final name.
/// </summary>
public static class FashionMnistDownload
{
    /// <summary>Overrides the mirror list (one base URL, e.g. a lab-internal copy); checksums are still enforced.</summary>
    public const string MirrorVariable = "HASS_FASHION_MNIST_MIRROR";

    /// <summary>Zalando Research's S3 bucket (the README's download links), then the files in its GitHub repository.</summary>
    public static readonly IReadOnlyList<string> OfficialMirrors =
    [
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    ];

    /// <summary>
    /// SHA-256 of the published .gz files (their MD5s, 8d4fb7e6…, 25c81989…, bef4ecab…, bb300cfd…, are the ones the
    /// Fashion-MNIST README and torchvision list).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> OfficialSha256 = new Dictionary<string, string>
    {
        ["train-images-idx3-ubyte.gz"] = "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        ["train-labels-idx1-ubyte.gz"] = "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        ["t10k-images-idx3-ubyte.gz"] = "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        ["t10k-labels-idx1-ubyte.gz"] = "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    };

    /// <summary>Where a download goes by default: $XDG_CACHE_HOME/hass/datasets/fashion-mnist (~/.cache/… without it).</summary>
    public static string CacheFolder
    {
        get
        {
            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(cache, "hass", "datasets", "fashion-mnist");
        }
    }

    /// <summary>The mirrors to use: $HASS_FASHION_MNIST_MIRROR when set, else the official ones.</summary>
    public static IReadOnlyList<string> Mirrors =>
        Environment.GetEnvironmentVariable(MirrorVariable) is { Length: > 0 } mirror ? [mirror] : OfficialMirrors;

    /// <summary>True when every file of <paramref name="sha256"/> is in <paramref name="folder"/> (not verified).</summary>
    public static bool IsComplete(string folder, IReadOnlyDictionary<string, string>? sha256 = null) =>
        (sha256 ?? OfficialSha256).Keys.All(name => File.Exists(Path.Combine(folder, name)));

    /// <summary>
    /// Makes <paramref name="folder"/> hold every file of <paramref name="sha256"/> with that digest. Returns the
    /// number of files fetched (0 when all were there). Throws <see cref="DatasetException"/> naming each file and
    /// mirror that failed, and what to do instead.
    /// </summary>
    public static async Task<int> EnsureAsync(string folder, HttpClient http, IReadOnlyList<string>? mirrors = null,
        IReadOnlyDictionary<string, string>? sha256 = null, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        mirrors ??= Mirrors;
        sha256 ??= OfficialSha256;
        if (FileInTheWay.Of(folder) is { } file) throw new DatasetException($"'{file}' is a file, so '{folder}' cannot be the dataset folder; give a folder");
        if (sha256.Keys.Any(name => !File.Exists(Path.Combine(folder, name))) && Commands.WritableFolder.Problem(folder) is { } problem)
            throw new DatasetException($"the dataset folder '{folder}' cannot be written ({problem}); give a writable folder with --to");
        Directory.CreateDirectory(folder);
        int fetched = 0;
        foreach (var (name, expected) in sha256)
        {
            var target = Path.Combine(folder, name);
            if (File.Exists(target))
            {
                var existing = Hashing.FileSha256(target);
                if (existing == expected) continue;
                throw new DatasetException($"'{target}' is there but its SHA-256 is {existing}, not the published {expected}: " +
                    "delete it (or the whole folder) and fetch again");
            }
            var failures = new List<string>();
            foreach (var mirror in mirrors)
            {
                var url = mirror.TrimEnd('/') + "/" + name;
                progress?.Invoke($"downloading {url}");
                var failure = await TryFetchAsync(http, url, target, expected, cancellationToken);
                if (failure is null) { fetched++; break; }
                failures.Add($"{url}: {failure}");
            }
            if (failures.Count == mirrors.Count)
                throw new DatasetException($"could not get Fashion-MNIST file '{name}' with its published SHA-256 {expected}:\n  " +
                    string.Join("\n  ", failures) + $"\nInstall the Debian/Ubuntu package dataset-fashion-mnist, or put the four files in a folder " +
                    $"and set ${Datasets.FashionMnistPathVariable} (or dataset.path in the campaign), or set ${MirrorVariable} to a mirror you trust.");
        }
        return fetched;
    }

    /// <summary>Downloads <paramref name="url"/> to target.part, checks the digest, renames; null on success, else why not.</summary>
    private static async Task<string?> TryFetchAsync(HttpClient http, string url, string target, string expected, CancellationToken cancellationToken)
    {
        var part = target + ".part";
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode) return $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            long? announced = response.Content.Headers.ContentLength;
            string actual;
            long length;
            await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken))
            await using (var file = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
                length = file.Length;
                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
            if (announced is { } n && n != length) return $"transfer cut short ({length} of {n} bytes)";
            if (actual != expected) return $"SHA-256 {actual} differs from the published {expected} ({length} bytes): not the official file";
            File.Move(part, target, overwrite: false);
            return null;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return e.Message;
        }
        finally
        {
            if (File.Exists(part)) File.Delete(part);
        }
    }
}
