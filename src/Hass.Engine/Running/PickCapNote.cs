using Hass.Abstractions;

namespace Hass.Engine.Running;

/// <summary>
/// What the final table says under a pick about its folding: its <see cref="SparsityCap"/> (how much faster more zeros
/// can make it) and the <see cref="NextFoldingLevel"/> (how much larger a board the DSE needs to pass that cap at these zeros).
/// </summary>
public sealed record PickCapNote(string Text, double? NextLevelBoardScale)
{
    /// <summary>The note, or null when the design has no cap (several configurations, reloading, memory-bound, no floors).</summary>
    public static PickCapNote? Of(HardwareDesign? design, SparsityProfile? profile, IAcceleratorBackend backend, NetworkGraph graph, BoardSpec board,
                                  DesignOptions options, CancellationToken ct)
    {
        if (design is null || SparsityCap.Of(design) is not { } cap) return null;
        if (profile is null) return new PickCapNote(cap.Describe(), null);
        var level = NextFoldingLevel.Price(backend, graph, profile, board, options, cap, ct);
        return new PickCapNote($"{cap.Describe()}; {NextFoldingLevel.Describe(level)}", level?.BoardScale);
    }
}
