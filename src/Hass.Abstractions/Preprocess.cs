using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Hass.Abstractions;

/// <summary>
/// The input preprocessing a network was trained with, when it is not the model's default (an imported network
/// trained with its own normalisation): pixel p in 0..255 becomes (p / 255 · <see cref="Range"/> − mean[c]) / std[c].
/// Unset members keep the model's own values. A campaign states it as <c>dataset.preprocess</c>, the commands as
/// <c>--preprocess mean=0.5,std=0.25</c> (<see cref="Parse"/>). Channel counts are checked against the model when
/// it is loaded: one value for every channel, or one per channel.
/// </summary>
public sealed record PreprocessSpec
{
    /// <summary>Per-channel means subtracted after scaling (one value: every channel).</summary>
    [FloatValues(positive: false, ErrorMessage = "must hold one finite value, or one per channel")] public float[]? Mean { get; init; }
    /// <summary>Per-channel standard deviations divided by (one value: every channel); each &gt; 0.</summary>
    [FloatValues(positive: true, ErrorMessage = "must hold one value > 0, or one per channel")] public float[]? Std { get; init; }
    /// <summary>What a white pixel (255) becomes before mean/std: 1 scales to [0, 1] (default), 255 keeps raw pixel values.</summary>
    [Range(1e-6, 1e6)] public double Range { get; init; } = 1;
    /// <summary>Image folders only: the shorter side is resized to this before the centre crop to the input size (e.g. 256 for a 224 crop); default: the crop size.</summary>
    [Range(1, 100_000)] public int? Resize { get; init; }

    public const string Syntax = "mean=M,std=S[,range=R][,resize=N] (per-channel values separated by '/', e.g. mean=0.485/0.456/0.406)";

    /// <summary>Every problem of this spec as one sentence (empty when valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true);
        return results.Select(r => $"{string.Join(", ", r.MemberNames.Select(m => m.ToLowerInvariant()))}: {r.ErrorMessage}").ToList();
    }

    /// <summary>Parses <see cref="Syntax"/>; the message names the part that is wrong.</summary>
    public static PreprocessSpec Parse(string text)
    {
        var spec = new PreprocessSpec();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || pair[1].Length == 0) throw new FormatException($"'{part}' is not key=value; expected {Syntax}");
            spec = pair[0].ToLowerInvariant() switch
            {
                "mean" => spec with { Mean = Floats(pair[1], part) },
                "std" => spec with { Std = Floats(pair[1], part) },
                "range" => spec with { Range = Floats(pair[1], part) is [var r] ? r : throw new FormatException($"'{part}': range takes one number") },
                "resize" => spec with { Resize = int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"'{part}': resize takes a whole number of pixels") },
                _ => throw new FormatException($"unknown key '{pair[0]}'; expected {Syntax}"),
            };
        }
        if (spec == new PreprocessSpec()) throw new FormatException($"nothing given; expected {Syntax}");
        var problems = spec.Problems();
        if (problems.Count > 0) throw new FormatException(string.Join("; ", problems));
        return spec;
    }

    private static float[] Floats(string values, string part) => values.Split('/').Select(v =>
        float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f : throw new FormatException($"'{part}': '{v}' is not a number")).ToArray();

    public override string ToString() => string.Join(",", new[]
    {
        Mean is null ? null : "mean=" + string.Join("/", Mean.Select(m => m.ToString("R", CultureInfo.InvariantCulture))),
        Std is null ? null : "std=" + string.Join("/", Std.Select(s => s.ToString("R", CultureInfo.InvariantCulture))),
        Range == 1 ? null : "range=" + Range.ToString("R", CultureInfo.InvariantCulture),
        Resize is null ? null : "resize=" + Resize,
    }.Where(p => p is not null));
}

/// <summary>A float array (when given) of at least one value, every value finite, and with <c>positive</c> every value &gt; 0.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FloatValuesAttribute(bool positive) : ValidationAttribute
{
    public override bool IsValid(object? value) => value is not float[] values || (values.Length > 0 && values.All(v => float.IsFinite(v) && (!positive || v > 0)));
}

/// <summary>
/// Word widths of the accelerator (a campaign's <c>quantisation</c> section, `hass design --data-bits/--weight-bits`):
/// 16 (default) or 8 bits for activations and for weights. The evaluation rounds to them (fixed point, as the
/// 16-bit path) and the cost model sizes DSPs, memories and bandwidth with them.
/// </summary>
public sealed record QuantisationSpec
{
    [AllowedValues(8, 16, ErrorMessage = "must be 8 or 16")] public int ActivationBits { get; init; } = 16;
    [AllowedValues(8, 16, ErrorMessage = "must be 8 or 16")] public int WeightBits { get; init; } = 16;

    public bool IsDefault => ActivationBits == 16 && WeightBits == 16;
    public override string ToString() => $"{ActivationBits}/{WeightBits}";
}
