using System.CommandLine;
using Hass.Abstractions;

namespace Hass.Cli.Commands;

/// <summary>The design options `hass design` takes (the same fields as a campaign's backend.options).</summary>
internal static class DesignOptionArguments
{
    private static readonly Option<int?> Batch = new("--batch") { Description = "Batch size (images per run; latency at --batch 1 is one image's fill latency). Default 256" };
    private static readonly Option<string?> SparseCycles = new("--sparse-cycles") { Description = "Sparse conv cycle figure: lane-max (default; slowest lane per output row) or average (fpgaConvNet)" };
    // A string, not a bool: System.CommandLine leaves a non-boolean word after a bool option as a stray argument,
    // and the message would not name the option.
    private static readonly Option<string?> SkipZeroWindows = new("--skip-zero-windows")
    {
        Description = "Sparse vector dot skips all-zero windows (true, default) or spends a cycle on them (false)", HelpName = "true|false",
    };
    private static readonly Option<string?> Anneal = new("--anneal")
    {
        Description = "After the greedy DSE, the seeded annealing refinement (true) or not (false, default)", HelpName = "true|false",
    };
    private static readonly Option<double?> DenseBelow = new("--dense-below") { Description = "Mean sparsity below which a conv stays dense, in [0, 1]. Default 0.1" };
    private static readonly Option<int?> PointwiseClusters = new("--pointwise-clusters") { Description = "Stream clusters of pointwise sparse layers (average figure). Default 1" };
    private static readonly Option<int?> LutramMaxDepth = new("--lutram-max-depth") { Description = "Memories at most this deep are LUTRAM, not BRAM. Default 64" };
    private static readonly Option<int?> UramMinBram18 = new("--uram-min-bram18") { Description = "Weight memories move to URAM only from this many BRAM18 up. Default 1" };

    private static readonly Option<int?> DataBits = NumberOptions.Int("--data-bits", "Activation word width, 8 or 16 (a campaign's quantisation.activationBits). Default 16", Width("--data-bits"));
    private static readonly Option<int?> WeightBits = NumberOptions.Int("--weight-bits", "Weight word width, 8 or 16 (a campaign's quantisation.weightBits). Default 16", Width("--weight-bits"));

    public static IEnumerable<Option> All => [Batch, SparseCycles, SkipZeroWindows, Anneal, DenseBelow, PointwiseClusters, LutramMaxDepth, UramMinBram18, DataBits, WeightBits];

    private static Func<long, string?> Width(string name) => n => n is 8 or 16 ? null : $"{name}: must be 8 or 16 (got {n})";

    public static DesignOptions Read(ParseResult parse)
    {
        var o = new DesignOptions();
        if (parse.GetValue(Batch) is { } batch) o = o with { BatchSize = batch >= 1 && batch <= 1 << 20 ? batch : throw Bad("--batch", $"must be in [1, {1 << 20}] (got {batch})") };
        if (parse.GetValue(SparseCycles) is { } figure)
            o = o with { SparseCycles = figure is DesignOptions.LaneMaxCycles or DesignOptions.AverageCycles ? figure : throw Bad("--sparse-cycles", $"'{figure}' is not a sparse cycle figure; use {DesignOptions.LaneMaxCycles} or {DesignOptions.AverageCycles}") };
        if (parse.GetValue(SkipZeroWindows) is { } skip)
            o = o with { SkipAllZeroWindows = TrueOrFalse("--skip-zero-windows", skip) };
        if (parse.GetValue(Anneal) is { } anneal)
            o = o with { Anneal = TrueOrFalse("--anneal", anneal) };
        if (parse.GetValue(DenseBelow) is { } below) o = o with { DenseBelowSparsity = below is >= 0 and <= 1 ? below : throw Bad("--dense-below", $"must be in [0, 1] (got {below})") };
        if (parse.GetValue(PointwiseClusters) is { } clusters) o = o with { PointwiseClusters = clusters >= 1 ? clusters : throw Bad("--pointwise-clusters", $"must be ≥ 1 (got {clusters})") };
        if (parse.GetValue(LutramMaxDepth) is { } depth) o = o with { LutramMaxDepth = depth >= 0 ? depth : throw Bad("--lutram-max-depth", $"must be ≥ 0 (got {depth})") };
        if (parse.GetValue(DataBits) is { } dataBits && dataBits != 16) o = o with { DataBits = dataBits };
        if (parse.GetValue(WeightBits) is { } weightBits && weightBits != 16) o = o with { WeightBits = weightBits };
        if (parse.GetValue(UramMinBram18) is { } blocks) o = o with { UramMinBram18 = blocks >= 1 ? blocks : throw Bad("--uram-min-bram18", $"must be ≥ 1 (got {blocks})") };
        return o;
    }

    private static bool TrueOrFalse(string option, string text) => bool.TryParse(text, out var value) ? value : throw Bad(option, $"'{text}' is not true or false");

    private static UsageException Bad(string option, string problem) => new($"{option}: {problem}");
}
