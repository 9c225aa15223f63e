namespace Hass.Backends.Dataflow;

/// <summary>
/// Expected maximum of independent normal variables by Clark's method (C. E. Clark, "The greatest of a finite set of
/// random variables", Operations Research 9(2), 1961): the running maximum is kept as a normal of matched mean and
/// variance and combined with the next variable by the exact moments of the maximum of two normals. With all variances
/// zero it is the plain maximum.
/// </summary>
public struct ExpectedMaximum
{
    private double _mean, _variance;
    private bool _any;

    public readonly double Mean => _any ? _mean : 0;

    public void Add(double mean, double variance)
    {
        if (!_any) { (_mean, _variance, _any) = (mean, variance, true); return; }
        double spread = Math.Sqrt(_variance + variance);
        if (spread < 1e-9 * Math.Max(1, Math.Abs(_mean) + Math.Abs(mean)))
        {
            if (mean > _mean) (_mean, _variance) = (mean, variance);
            return;
        }
        double alpha = (_mean - mean) / spread;
        double above = NormalCdf(alpha), below = 1 - above, density = NormalPdf(alpha);
        double first = _mean * above + mean * below + spread * density;
        double second = (_mean * _mean + _variance) * above + (mean * mean + variance) * below + (_mean + mean) * spread * density;
        (_mean, _variance) = (first, Math.Max(0, second - first * first));
    }

    private static double NormalPdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);

    /// <summary>
    /// Φ(x) from Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7), hand-written because the plugin depends on
    /// Hass.Abstractions only and .NET has no erf; far finer than the cycle estimates it feeds.
    /// </summary>
    internal static double NormalCdf(double x)
    {
        double z = Math.Abs(x) / Math.Sqrt(2), t = 1 / (1 + 0.3275911 * z);
        double erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-z * z);
        return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
