namespace Hass.Abstractions;

/// <summary>
/// A split name followed by "+mirrors" stands for that split's images and their horizontal mirror images, each image
/// followed by its mirror: twice the images for a network trained with random horizontal flips, to which a mirrored
/// held-out image is as new and as likely as any other.
/// </summary>
public static class MirroredSplits
{
    public const string Suffix = "+mirrors";

    public static string Of(string split) => split + Suffix;

    /// <summary>True when <paramref name="split"/> names a split with its mirrors; <paramref name="unmirrored"/> is then the split's own name.</summary>
    public static bool TryStrip(string split, out string unmirrored)
    {
        var mirrored = split.EndsWith(Suffix, StringComparison.Ordinal) && split.Length > Suffix.Length;
        unmirrored = mirrored ? split[..^Suffix.Length] : split;
        return mirrored;
    }
}
