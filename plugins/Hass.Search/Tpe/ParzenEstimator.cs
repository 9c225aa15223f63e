using Hass.Abstractions;
using Hass.Search.Core;

namespace Hass.Search.Tpe;

/// <summary>Parzen estimator options (Optuna's names and defaults).</summary>
public sealed record ParzenOptions
{
    public double PriorWeight { get; init; } = 1.0;
    public bool ConsiderPrior { get; init; } = true;
    public bool ConsiderMagicClip { get; init; } = true;
    public bool ConsiderEndpoints { get; init; }
    public bool Multivariate { get; init; }
    /// <summary>
    /// Optuna 3.1's kernel density (before issue #5109 was fixed in 3.5): the −log σ term is left out, so narrow
    /// kernels do not dominate l(x) and the proposals are wider, less peaked.
    /// </summary>
    public bool OmitLogSigma { get; init; }
}

/// <summary>
/// Optuna's TPE Parzen estimator: one kernel per observation plus a prior kernel, mixed with the given
/// observation weights. Numeric dimensions use truncated normals in internal coordinates (log for Log
/// dimensions; integers as discretised normals over cells of width 1); categoricals use smoothed one-hot
/// kernels. Bandwidths follow Optuna: univariate — distance to the farther neighbour among the sorted
/// observations and the prior mean (endpoints handled per consider_endpoints); multivariate —
/// 0.2·n^(−1/(d+4))·range; both clipped to [range / min(100, 1 + kernels), range] by the magic clip.
/// </summary>
public sealed class ParzenEstimator
{
    private readonly SpaceCodec _codec;
    private readonly int _kernels;
    private readonly double[] _logWeights;  // per kernel
    private readonly double[] _weights;
    private readonly Dim[] _dims;

    private sealed class Dim
    {
        public required DimensionKind Kind;
        public double Low, High;      // internal truncation bounds (integers: widened by ½)
        public bool Discrete;         // non-log integer: probability of the unit cell around the value
        public double[] Mu = [];
        public double[] Sigma = [];
        public double[] LogNorm = []; // log mass of each kernel inside [Low, High]
        public double[] InvSigma = [];
        public double[] LogConst = []; // log weight − log σ − log √(2π) − LogNorm: everything but the −z²/2 term
        public double[][] LogProbs = []; // categorical: [kernel][choice]
        public double[][] Probs = [];
    }

    /// <param name="observations">Internal coordinates, one row per observation (all dimensions).</param>
    /// <param name="observationWeights">Unnormalised weight of each observation.</param>
    public ParzenEstimator(SpaceCodec codec, IReadOnlyList<double[]> observations, IReadOnlyList<double> observationWeights, ParzenOptions options)
    {
        _codec = codec;
        var n = observations.Count;
        var considerPrior = options.ConsiderPrior || n == 0;
        _kernels = n + (considerPrior ? 1 : 0);
        _weights = new double[_kernels];
        for (var i = 0; i < n; i++) _weights[i] = observationWeights[i];
        if (considerPrior) _weights[n] = options.PriorWeight;
        var total = _weights.Sum();
        _logWeights = new double[_kernels];
        for (var k = 0; k < _kernels; k++)
        {
            _weights[k] /= total;
            _logWeights[k] = Math.Log(_weights[k]);
        }
        _dims = new Dim[codec.Count];
        for (var d = 0; d < codec.Count; d++)
            _dims[d] = BuildDim(d, observations, n, considerPrior, options);
    }

    private Dim BuildDim(int d, IReadOnlyList<double[]> observations, int n, bool considerPrior, ParzenOptions options)
    {
        var dimension = _codec.Dimensions[d];
        return dimension.Kind == DimensionKind.Categorical
            ? BuildCategorical(dimension, d, observations, n, options)
            : BuildNumeric(dimension, d, observations, n, considerPrior, options);
    }

    private Dim BuildCategorical(SearchDimension dimension, int d, IReadOnlyList<double[]> observations, int n, ParzenOptions options)
    {
        var choices = dimension.Choices.Count;
        var probs = new double[_kernels][];
        for (var k = 0; k < _kernels; k++)
        {
            var row = new double[choices];
            if (k < n)
            {
                Array.Fill(row, options.PriorWeight / _kernels);
                row[(int)observations[k][d]] += 1;
            }
            else Array.Fill(row, 1.0); // the prior kernel is uniform
            var sum = row.Sum();
            for (var c = 0; c < choices; c++) row[c] /= sum;
            probs[k] = row;
        }
        return new Dim { Kind = dimension.Kind, Probs = probs, LogProbs = probs.Select(r => r.Select(v => Math.Log(v)).ToArray()).ToArray() };
    }

    private Dim BuildNumeric(SearchDimension dimension, int d, IReadOnlyList<double[]> observations, int n, bool considerPrior, ParzenOptions options)
    {
        var (low, high) = _codec.InternalBounds(d);
        var range = high - low;
        var mus = new double[_kernels];
        for (var i = 0; i < n; i++) mus[i] = observations[i][d];
        var sigmas = new double[_kernels];
        if (options.Multivariate)
        {
            var sigma = 0.2 * Math.Pow(Math.Max(n, 1), -1.0 / (_codec.Count + 4)) * range;
            Array.Fill(sigmas, sigma, 0, n);
        }
        else if (n > 0) UnivariateSigmas(mus, sigmas, n, considerPrior, low, high, options.ConsiderEndpoints);
        var maxSigma = range;
        var minSigma = options.ConsiderMagicClip ? range / Math.Min(100.0, 1.0 + _kernels) : 1e-12;
        for (var i = 0; i < n; i++) sigmas[i] = Math.Clamp(sigmas[i], minSigma, maxSigma);
        if (considerPrior)
        {
            mus[n] = 0.5 * (low + high);
            sigmas[n] = range;
        }
        var logNorm = new double[_kernels];
        var invSigma = new double[_kernels];
        var logConst = new double[_kernels];
        for (var k = 0; k < _kernels; k++)
        {
            logNorm[k] = NormalMath.LogProbBetween((low - mus[k]) / sigmas[k], (high - mus[k]) / sigmas[k]);
            invSigma[k] = 1 / sigmas[k];
            logConst[k] = (options.OmitLogSigma ? 0 : -Math.Log(sigmas[k])) - NormalMath.LogSqrt2Pi - logNorm[k];
        }
        return new Dim
        {
            Kind = dimension.Kind, Low = low, High = high,
            Discrete = dimension.Kind == DimensionKind.Int && !dimension.Log,
            Mu = mus, Sigma = sigmas, LogNorm = logNorm, InvSigma = invSigma, LogConst = logConst,
        };
    }

    /// <summary>Optuna's univariate bandwidths: sort the observations (and the prior mean when the prior is used) between the endpoints; each takes the distance to its farther neighbour.</summary>
    private static void UnivariateSigmas(double[] mus, double[] sigmas, int n, bool considerPrior, double low, double high, bool considerEndpoints)
    {
        var m = n + (considerPrior ? 1 : 0);
        var withPrior = new double[m];
        Array.Copy(mus, withPrior, n);
        if (considerPrior) withPrior[n] = 0.5 * (low + high);
        var order = Enumerable.Range(0, m).OrderBy(i => withPrior[i]).ThenBy(i => i).ToArray();
        var sorted = new double[m + 2];
        sorted[0] = low;
        for (var i = 0; i < m; i++) sorted[i + 1] = withPrior[order[i]];
        sorted[m + 1] = high;
        var sortedSigma = new double[m];
        for (var i = 0; i < m; i++) sortedSigma[i] = Math.Max(sorted[i + 1] - sorted[i], sorted[i + 2] - sorted[i + 1]);
        if (!considerEndpoints && sorted.Length >= 4)
        {
            sortedSigma[0] = sorted[2] - sorted[1];
            sortedSigma[m - 1] = sorted[m] - sorted[m - 1];
        }
        for (var i = 0; i < m; i++)
            if (order[i] < n) sigmas[order[i]] = sortedSigma[i];
    }

    private double SampleKernel(Dim dim, int k, Rng rng)
    {
        if (dim.Kind == DimensionKind.Categorical) return rng.Choose(dim.Probs[k]);
        return NormalMath.SampleTruncated(rng, dim.Mu[k], dim.Sigma[k], dim.Low, dim.High);
    }

    private double LogKernel(Dim dim, int k, double x)
    {
        if (dim.Kind == DimensionKind.Categorical) return dim.LogProbs[k][(int)x];
        var mu = dim.Mu[k];
        var sigma = dim.Sigma[k];
        if (dim.Discrete)
            return NormalMath.LogProbBetween((x - 0.5 - mu) / sigma, (x + 0.5 - mu) / sigma) - dim.LogNorm[k];
        var z = (x - mu) * dim.InvSigma[k];
        return -0.5 * z * z + dim.LogConst[k];
    }

    /// <summary>Rounds a continuous draw to the dimension's lattice (integers) in internal coordinates.</summary>
    private static double Snap(Dim dim, double x) => dim.Discrete ? Math.Round(x, MidpointRounding.AwayFromZero) : x;

    /// <summary><paramref name="count"/> draws of dimension <paramref name="d"/> alone (univariate TPE).</summary>
    public double[] SampleDimension(int d, Rng rng, int count)
    {
        var dim = _dims[d];
        var xs = new double[count];
        for (var i = 0; i < count; i++)
        {
            var x = SampleKernel(dim, rng.Choose(_weights), rng);
            xs[i] = Snap(dim, x);
            if (dim.Discrete) xs[i] = Math.Clamp(xs[i], dim.Low + 0.5, dim.High - 0.5);
        }
        return xs;
    }

    public double LogPdfDimension(int d, double x)
    {
        var dim = _dims[d];
        Span<double> terms = _kernels <= 1024 ? stackalloc double[_kernels] : new double[_kernels];
        if (dim.Kind != DimensionKind.Categorical && !dim.Discrete)
        {
            // Hot path (continuous kernels): −z²/2 + a per-kernel constant.
            var mu = dim.Mu; var inv = dim.InvSigma; var c = dim.LogConst; var lw = _logWeights;
            for (var k = 0; k < terms.Length; k++)
            {
                var z = (x - mu[k]) * inv[k];
                terms[k] = lw[k] + c[k] - 0.5 * z * z;
            }
        }
        else
            for (var k = 0; k < _kernels; k++) terms[k] = _logWeights[k] + LogKernel(dim, k, x);
        return NormalMath.LogSumExp(terms);
    }

    /// <summary><paramref name="count"/> joint draws (multivariate TPE): one kernel per draw for all dimensions.</summary>
    public double[][] SampleJoint(Rng rng, int count)
    {
        var xs = new double[count][];
        for (var i = 0; i < count; i++)
        {
            var k = rng.Choose(_weights);
            var row = new double[_dims.Length];
            for (var d = 0; d < _dims.Length; d++)
            {
                var dim = _dims[d];
                row[d] = Snap(dim, SampleKernel(dim, k, rng));
                if (dim.Discrete) row[d] = Math.Clamp(row[d], dim.Low + 0.5, dim.High - 0.5);
            }
            xs[i] = row;
        }
        return xs;
    }

    public double LogPdfJoint(double[] x)
    {
        Span<double> terms = _kernels <= 1024 ? stackalloc double[_kernels] : new double[_kernels];
        for (var k = 0; k < _kernels; k++)
        {
            var s = _logWeights[k];
            for (var d = 0; d < _dims.Length; d++) s += LogKernel(_dims[d], k, x[d]);
            terms[k] = s;
        }
        return NormalMath.LogSumExp(terms);
    }
}
