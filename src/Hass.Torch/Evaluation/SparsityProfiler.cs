using Hass.Abstractions;
using Hass.Torch.Models;
using static TorchSharp.torch;

namespace Hass.Torch.Evaluation;

/// <summary>
/// Collects the fpgaConvNet window-sparsity histogram of every conv layer while a network runs (attach
/// <see cref="Observe"/> as the network's <see cref="HassNet.ConvObserver"/>). Weight masks are read once per pass.
/// </summary>
public sealed class SparsityProfiler(long maxElementsPerChunk = WindowZeroHistogram.DefaultMaxElements)
{
    private sealed class LayerState(WindowZeroHistogram.WeightPatterns patterns)
    {
        public WindowZeroHistogram.WeightPatterns Patterns { get; } = patterns;
        public long[] Counts { get; } = new long[patterns.Channels * (patterns.KernelSize + 1)];
        public long ActivationNonZero;
        public long Activations;
    }

    private readonly Dictionary<string, LayerState> _layers = [];

    public void Observe(NetNode conv, Tensor input)
    {
        if (!_layers.TryGetValue(conv.Name, out var state))
            _layers[conv.Name] = state = new LayerState(WindowZeroHistogram.Prepare(conv.Weight, conv.Groups));
        state.ActivationNonZero += input.count_nonzero().item<long>();
        state.Activations += input.numel();
        WindowZeroHistogram.Accumulate(input, state.Patterns, conv.Stride, conv.Padding, state.Counts, maxElementsPerChunk);
    }

    /// <summary>Zero activations / all activations at conv inputs (padding excluded), over every conv layer.</summary>
    public double ActivationSparsity
    {
        get
        {
            long all = _layers.Values.Sum(s => s.Activations);
            return all == 0 ? 0 : 1.0 - (double)_layers.Values.Sum(s => s.ActivationNonZero) / all;
        }
    }

    public SparsityProfile Result(HassNet model, int images)
    {
        var layers = new List<LayerSparsity>();
        foreach (var node in model.Nodes.Where(n => n.Op == NodeOp.Conv && _layers.ContainsKey(n.Name)))
        {
            var s = _layers[node.Name];
            int k = s.Patterns.KernelSize, channels = s.Patterns.Channels;
            var histogram = new double[channels][];
            double zeroProducts = 0, products = 0;
            for (int c = 0; c < channels; c++)
            {
                long rowTotal = 0;
                for (int z = 0; z <= k; z++) rowTotal += s.Counts[c * (k + 1) + z];
                histogram[c] = new double[k + 1];
                for (int z = 0; z <= k; z++)
                {
                    long count = s.Counts[c * (k + 1) + z];
                    histogram[c][z] = rowTotal == 0 ? 0 : (double)count / rowTotal;
                    zeroProducts += (double)z * count;
                }
                products += (double)rowTotal * k;
            }
            layers.Add(new LayerSparsity
            {
                Layer = node.Name,
                KernelSize = k,
                Histogram = histogram,
                WeightDensity = s.Patterns.Weights == 0 ? 1 : (double)s.Patterns.NonZeroWeights / s.Patterns.Weights,
                ActivationDensity = s.Activations == 0 ? 1 : (double)s.ActivationNonZero / s.Activations,
                EffectiveSparsity = products == 0 ? 0 : zeroProducts / products,
            });
        }
        return new SparsityProfile { Model = model.ModelName, Images = images, FixedPoint16 = model.FixedPointActivations, Layers = layers };
    }
}
