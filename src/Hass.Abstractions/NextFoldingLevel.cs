using System.Globalization;

namespace Hass.Abstractions;

/// <summary>
/// What it takes to pass a design's <see cref="SparsityCap"/> without more zeros: the smallest board, every resource
/// of this one scaled alike, on which the backend's DSE folds the same network and zeros faster than the cap.
/// A design at its cap gains nothing from more zeros in its slow stages; this says how far the resources are from
/// the next folding level (1.38×: 38 % more of everything), to be found on a larger part or freed by zeros elsewhere.
/// </summary>
public sealed record NextFoldingLevel(double BoardScale, double ImagesPerSecond)
{
    /// <summary>The largest scale tried: past it the answer is "more than 4×".</summary>
    public const double MaxScale = 4;

    /// <summary>The scales tried are multiples of this (about 9 designs in all), so the one reported is exact as printed.</summary>
    public const double Precision = 0.01;

    /// <summary>
    /// The smallest board scale in (1, <see cref="MaxScale"/>] whose design beats <paramref name="cap"/>, found by bisection
    /// (a DSE is a heuristic, so a smaller scale may sometimes do too); null when even <see cref="MaxScale"/> does not.
    /// </summary>
    public static NextFoldingLevel? Price(IAcceleratorBackend backend, NetworkGraph graph, SparsityProfile profile, BoardSpec board,
                                          DesignOptions options, SparsityCap cap, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(cap);
        double? Past(int steps)
        {
            var scaled = Scaled(board, ScaleOf(steps));
            var throughput = backend.Optimize(graph, profile, scaled, options, cancellationToken).Performance.ThroughputImagesPerSecond;
            return throughput > cap.ImagesPerSecond ? throughput : null;
        }

        int low = (int)Math.Round(1 / Precision), high = (int)Math.Round(MaxScale / Precision);
        if (Past(high) is not { } fastest) return null;
        while (high - low > 1)
        {
            int middle = (low + high) / 2;
            if (Past(middle) is { } throughput) (high, fastest) = (middle, throughput);
            else low = middle;
        }
        return new NextFoldingLevel(ScaleOf(high), fastest);
    }

    private static double ScaleOf(int steps) => Math.Round(steps * Precision, 2);

    /// <summary>The board with every resource (DSP, BRAM, URAM, LUT, FF) <paramref name="scale"/> times larger; clock and memory unchanged.</summary>
    public static BoardSpec Scaled(BoardSpec board, double scale)
    {
        ArgumentNullException.ThrowIfNull(board);
        static int Times(int count, double scale) => (int)Math.Floor(count * scale + 1e-6);  // 1.38 × 1000 is 1380, not 1379
        return board with
        {
            Name = $"{board.Name}×{scale.ToString("0.###", CultureInfo.InvariantCulture)}",
            Dsp = Times(board.Dsp, scale), Bram18 = Times(board.Bram18, scale), Uram = Times(board.Uram, scale),
            Lut = Times(board.Lut, scale), Ff = Times(board.Ff, scale),
        };
    }

    /// <summary>"the DSE passes this cap on a board with 1.38× these resources (38,216 img/s there)", or that not even 4× does.</summary>
    public static string Describe(NextFoldingLevel? level)
    {
        var inv = CultureInfo.InvariantCulture;
        return level is null
            ? $"the DSE does not pass this cap even on a board with {MaxScale.ToString("0", inv)}× these resources"
            : $"the DSE passes this cap on a board with {level.BoardScale.ToString("F2", inv)}× these resources ({level.ImagesPerSecond.ToString("N0", inv)} img/s there)";
    }
}
