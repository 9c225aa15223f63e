using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Evaluation;

/// <summary>
/// The direct way (the reference the profiler is checked and benchmarked against): materialise every
/// window × filter product with unfold, count the zeros of each. Slow and memory-hungry; one image at a time.
/// </summary>
public static class DirectWindowCounter
{
    public static long[,] Count(Tensor input, Tensor weight, int stride, int padding, int groups)
    {
        using var scope = NewDisposeScope();
        using var zero = 0.0.ToScalar();
        using var one = 1.ToScalar();
        long batch = input.shape[0], channels = input.shape[1];
        long filters = weight.shape[0], kh = weight.shape[2], kw = weight.shape[3], k = kh * kw;
        long cg = channels / groups, fg = filters / groups;
        var hist = new long[channels, k + 1];
        var w = weight.detach().reshape(groups, fg, cg, k, 1);
        for (long b = 0; b < batch; b++)
        {
            using var inner = NewDisposeScope();
            var windows = nn.functional.unfold(input.narrow(0, b, 1), (kh, kw), padding: (padding, padding), stride: (stride, stride));
            long l = windows.shape[2];
            var cols = windows.reshape(groups, 1, cg, k, l);
            var products = cols * w;                                    // [G, Fg, Cg, K, L]
            var zeros = products.eq(zero).sum(new long[] { 3 }).to_type(ScalarType.Int64); // [G, Fg, Cg, L]
            var perChannel = zeros.permute(0, 2, 1, 3).reshape(channels, fg * l);
            var offsets = tensor(WindowZeroHistogram.Multiples(channels, k + 1)).reshape(channels, 1);
            var counts = bincount(perChannel.add(offsets, one).flatten(), minlength: channels * (k + 1)).data<long>().ToArray();
            for (long c = 0; c < channels; c++)
                for (long z = 0; z <= k; z++) hist[c, z] += counts[c * (k + 1) + z];
        }
        return hist;
    }
}
