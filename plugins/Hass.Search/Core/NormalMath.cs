namespace Hass.Search.Core;

/// <summary>Standard normal helpers for the truncated-normal kernels of the Parzen estimators.</summary>
public static class NormalMath
{
    public const double LogSqrt2Pi = 0.91893853320467274178;
    private const double Sqrt2 = 1.41421356237309504880;

    /// <summary>
    /// log erfc(z) for z ≥ 0 without underflow (Chebyshev fit of Numerical Recipes' erfcc, relative error
    /// below 1.2e-7 everywhere, so far tails keep their shape).
    /// </summary>
    private static double LogErfcNonNegative(double z)
    {
        var t = 1.0 / (1.0 + 0.5 * z);
        var poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
                   t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        return Math.Log(t) + poly;
    }

    /// <summary>log of the upper tail Q(x) = P(Z &gt; x).</summary>
    public static double LogUpperTail(double x)
    {
        if (x >= 0) return LogErfcNonNegative(x / Sqrt2) - Math.Log(2);
        return Log1P(-Math.Exp(LogErfcNonNegative(-x / Sqrt2) - Math.Log(2)));
    }

    /// <summary>Φ(x).</summary>
    public static double Cdf(double x) => x >= 0 ? 1 - Math.Exp(LogUpperTail(x)) : Math.Exp(LogUpperTail(-x));

    /// <summary>log(Φ(b) − Φ(a)) for a &lt; b, accurate in both tails.</summary>
    public static double LogProbBetween(double a, double b)
    {
        if (!(b > a)) return double.NegativeInfinity;
        if (a >= 0) return LogDiff(LogUpperTail(a), LogUpperTail(b));
        if (b <= 0) return LogDiff(LogUpperTail(-b), LogUpperTail(-a));
        // The interval straddles 0: 1 − Q(b) − Q(−a), both tails at most 1/2.
        var mass = 1 - Math.Exp(LogUpperTail(b)) - Math.Exp(LogUpperTail(-a));
        return Math.Log(Math.Max(mass, 1e-300));
    }

    /// <summary>log(e^p − e^q) for p ≥ q.</summary>
    private static double LogDiff(double p, double q)
    {
        if (double.IsNegativeInfinity(q)) return p;
        var d = q - p;
        if (d >= 0) return -745; // equal within rounding: the interval carries no representable mass
        return p + Math.Log(-ExpM1(d));
    }

    /// <summary>Inverse of Φ (Acklam's rational approximation, relative error below 1.2e-9).</summary>
    public static double Quantile(double p)
    {
        if (p <= 0) return double.NegativeInfinity;
        if (p >= 1) return double.PositiveInfinity;
        const double pLow = 0.02425, pHigh = 1 - pLow;
        double x;
        if (p < pLow)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            x = (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00) /
                ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q + 3.754408661907416e+00) * q + 1);
        }
        else if (p <= pHigh)
        {
            var q = p - 0.5;
            var r = q * q;
            x = (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00) * q /
                (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1);
        }
        else
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            x = -(((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00) /
                 ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q + 3.754408661907416e+00) * q + 1);
        }
        return x;
    }

    /// <summary>
    /// A draw of N(mu, sigma²) truncated to [low, high] by inverse CDF, sampling in whichever tail keeps
    /// precision (so a kernel far outside the interval still yields a value inside it).
    /// </summary>
    public static double SampleTruncated(Rng rng, double mu, double sigma, double low, double high)
    {
        var a = (low - mu) / sigma;
        var b = (high - mu) / sigma;
        double z;
        if (a >= 0)
        {
            // Upper tail: draw the tail probability between Q(b) and Q(a).
            var qa = Math.Exp(LogUpperTail(a));
            var qb = Math.Exp(LogUpperTail(b));
            z = -Quantile(qb + (qa - qb) * rng.NextOpenDouble());
        }
        else
        {
            var pa = Cdf(a);
            var pb = Cdf(b);
            z = Quantile(pa + (pb - pa) * rng.NextOpenDouble());
        }
        var x = mu + sigma * z;
        if (double.IsNaN(x)) x = 0.5 * (low + high);
        return Math.Clamp(x, low, high);
    }

    /// <summary>log(1 + x), accurate for small x (Kahan's trick).</summary>
    public static double Log1P(double x)
    {
        var u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    /// <summary>e^x − 1, accurate for small x (Kahan's trick).</summary>
    public static double ExpM1(double x)
    {
        var u = Math.Exp(x);
        if (u == 1) return x;
        var um1 = u - 1;
        return um1 == -1 ? -1 : um1 * x / Math.Log(u);
    }

    public static double LogSumExp(ReadOnlySpan<double> values)
    {
        var max = double.NegativeInfinity;
        foreach (var v in values) if (v > max) max = v;
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        foreach (var v in values) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }
}
