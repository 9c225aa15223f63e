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
        return unmirrored is "search" or "test" || (unmirrored == "confirmation" && confirmationImages > 0)
            || ConfirmationParts.TryResolve(unmirrored, confirmationImages, out _, out _);
    }
}
