namespace Hass.Abstractions;

/// <summary>The split names of <see cref="EvaluationRequest.Split"/> an evaluator with a held-out confirmation split can serve.</summary>
public static class SplitNames
{
    /// <summary>
    /// True for "search" and "test", and with a confirmation split of <paramref name="confirmationImages"/> images (&gt; 0) for
    /// "confirmation" and its parts (<see cref="ConfirmationParts"/>); each also followed by "+mirrors" (<see cref="MirroredSplits"/>).
    /// What <see cref="ITrialEvaluator.HasSplit"/> answers for an evaluator that knows them all.
    /// </summary>
    public static bool Known(string split, int confirmationImages)
    {
        MirroredSplits.TryStrip(split, out var unmirrored);
        return Whole(unmirrored, confirmationImages) || ConfirmationParts.TryResolve(unmirrored, confirmationImages, out _, out _);
    }

    /// <summary>True for "search" and "test", and "confirmation" when it has images: what every evaluator serves (<see cref="ITrialEvaluator.HasSplit"/>'s default).</summary>
    public static bool Whole(string split, int confirmationImages) =>
        split is "search" or "test" || (split == "confirmation" && confirmationImages > 0);
}
