using Hass.Abstractions;

namespace Hass.Engine.Running;

/// <summary>
/// What `hass design` and the final table say about a design's folding: its <see cref="SparsityCap"/> (how much faster
/// more zeros can make it) and the <see cref="NextFoldingLevel"/> (how much larger a board the DSE needs to pass that cap
/// at these zeros; null when no profile was given).
/// </summary>
public sealed record PickCapNote(string Cap, string? NextLevel, double? NextLevelBoardScale)
{
    /// <summary>Both parts in one line, as the final table prints them under a pick.</summary>
    public string Text => NextLevel is null ? Cap : $"{Cap}; {NextLevel}";

    /// <summary>The note, or null when the design has no cap (several configurations, reloading, memory-bound, no floors).</summary>
    public static PickCapNote? Of(HardwareDesign? design, SparsityProfile? profile, IAcceleratorBackend backend, NetworkGraph graph, BoardSpec board,
                                  DesignOptions options, CancellationToken ct)
    {
        if (design is null || SparsityCap.Of(design) is not { } cap) return null;
        if (profile is null) return new PickCapNote(cap.Describe(), null, null);
        try
        {
            var level = NextFoldingLevel.Price(backend, graph, profile, board, options, cap, ct);
            return new PickCapNote(cap.Describe(), NextFoldingLevel.Describe(level), level?.BoardScale);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A note must not cost the campaign its final table: a backend that cannot design a larger board says so here.
            return new PickCapNote(cap.Describe(), $"the next folding level could not be priced: {backend.Name} failed on a larger board ({e.Message})", null);
        }
    }
}
