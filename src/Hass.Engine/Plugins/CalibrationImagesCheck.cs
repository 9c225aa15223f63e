using Hass.Abstractions;

namespace Hass.Engine.Plugins;

/// <summary>
/// What the engine checks of the images an evaluator's CalibrationImages returns before they are uploaded to a board (docs/models.md,
/// "What the engine checks of an evaluation"): there are images, exactly as many floats as the count asked for times the graph's
/// input shape (N×C×H×W), and each is a finite number.
/// </summary>
public static class CalibrationImagesCheck
{
    /// <summary>What is wrong with <paramref name="images"/> (to follow "returned calibration images"), or null when nothing is.</summary>
    public static string? Problem(float[]? images, int count, NetworkGraph graph)
    {
        if (images is null) return "that are null";
        var shape = graph.Layers[0].OutputShape;
        var expected = count * shape.Elements;
        if (images.LongLength != expected)
            return $"of {images.LongLength} floats for {count} images of {shape} (it must be {expected}: N×C×H×W)";
        return images.All(float.IsFinite) ? null : "with a value that is not a finite number";
    }
}
