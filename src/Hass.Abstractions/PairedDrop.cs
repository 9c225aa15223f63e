namespace Hass.Abstractions;

/// <summary>
/// How precisely a top-1 drop is known when the pruned and the unpruned network are scored on the same images. Only
/// the images on which they disagree move the drop: with L images lost and G gained out of n, the drop is (L − G)/n
/// and its variance over draws of n images is ((L + G) − (L − G)²/n)/n² (the paired-difference variance behind
/// McNemar's test). A design that flips few images has a drop known to a few hundredths of a point on 2,000 images;
/// one that flips many has one known to half a point, whatever its drop.
/// </summary>
public static class PairedDrop
{
    /// <summary>The drop's standard error in top-1 points; 0 for no images.</summary>
    public static double StandardError(int lost, int gained, int images)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lost);
        ArgumentOutOfRangeException.ThrowIfNegative(gained);
        ArgumentOutOfRangeException.ThrowIfNegative(images);
        if (images == 0) return 0;
        double n = images, discordant = lost + gained, net = lost - gained;
        var variance = Math.Max(0, discordant - net * net / n) / (n * n);
        return 100 * Math.Sqrt(variance);
    }

    /// <summary>The standard error of <paramref name="outcome"/>'s drop, or null when it was not paired with the unpruned network.</summary>
    public static double? StandardError(EvaluationOutcome outcome) =>
        outcome is { LostImages: { } lost, GainedImages: { } gained } ? StandardError(lost, gained, outcome.Images) : null;
}
