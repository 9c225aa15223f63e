using Hass.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Pruning;

/// <summary>
/// Layer-wise reconstruction of a pruned convolution: with its zero weights kept where pruning put them, every output
/// channel's remaining weights and its bias are refitted by least squares so that, on the input the pruned network
/// actually feeds the layer (thinned by the activation thresholds before it and by the pruned layers upstream), the layer
/// reproduces the unpruned network's output. The bias correction is the special case that refits the bias alone. A ridge
/// term pulls each weight towards its unpruned value, so weights the calibration images say little about stay put.
/// The fit uses every output position of an evenly spaced subset of the calibration images, enough for about
/// <see cref="MaxPositions"/> positions, the same images in the unpruned and the pruned pass.
/// </summary>
public static class WeightReconstruction
{
    /// <summary>Output positions (image × pixel) a layer is fitted on at most: several per weight of the largest kernel.</summary>
    public const int MaxPositions = 16_384;

    /// <summary>Ridge strength relative to the mean diagonal of the layer's input Gram matrix.</summary>
    public const double Ridge = 1e-3;

    /// <summary>Conjugate-gradient steps per layer (<see cref="SolveMasked"/>).</summary>
    public const int Iterations = 30;

    /// <summary>Whether a node can be reconstructed: a convolution (Linear layers keep the bias correction alone).</summary>
    public static bool Applies(NetNode node) => node.Op == NodeOp.Conv;

    /// <summary>The sampled positions of a conv output [N, C, H, W] as [C, P].</summary>
    public static Tensor SampledOutput(Tensor output) =>
        output.index_select(0, SampledImages(output)).transpose(0, 1).reshape(output.shape[1], -1);

    /// <summary>
    /// Refits the weights and bias of <paramref name="node"/> in place (zeros stay zero) so that its output on
    /// <paramref name="input"/> (the conv's input, before padding) matches <paramref name="target"/> (the unpruned
    /// output at the sampled positions, [C, P]), and returns the refitted layer's whole output.
    /// </summary>
    public static Tensor Refit(NetNode node, Tensor input, Tensor target)
    {
        var weight = node.Weight;
        long outChannels = weight.shape[0], groups = node.Groups, perGroup = weight.shape[1] * weight.shape[2] * weight.shape[3];
        var patches = SampledPatches(node, Padded(node, input.index_select(0, SampledImages(input, node))), perGroup); // [g, K + 1, P]
        var gram = patches.matmul(patches.transpose(1, 2));                                               // [g, K + 1, K + 1]
        var cross = target.view(groups, outChannels / groups, -1).matmul(patches.transpose(1, 2)).reshape(outChannels, -1); // [C, K + 1]
        var bias = node.BiasTensor;
        var original = cat([weight.reshape(outChannels, perGroup), bias is null ? zeros(outChannels, 1) : bias.view(-1, 1)], 1);
        using Scalar zero = 0.ToScalar(), one = 1.ToScalar();
        var kept = original.ne(zero).to(original.dtype);
        if (bias is not null) kept.narrow(1, perGroup, 1).fill_(one);
        var solution = SolveMasked(gram, cross, original, kept);
        weight.copy_(solution.narrow(1, 0, perGroup).reshape(weight.shape));
        bias?.copy_(solution.narrow(1, perGroup, 1).view(-1));
        return node.CallModule(input);
    }

    /// <summary>
    /// Per output channel r: minimise |w·X − y|² + λ|w − w₀|² over the kept entries only, i.e. solve
    /// (M G M + λI) w = M (R + λ w₀) with M the row's kept mask, by <see cref="Iterations"/> steps of conjugate gradients
    /// from w₀ (batched over the rows; each step multiplies by the group's Gram matrix, so no per-row system is formed).
    /// Pruned entries start and stay 0. A direct solve per row (a Cholesky factorisation of each masked system) cost
    /// 3 s per trial on fmnist-resnet's 64-filter 3×3 layer on this project's machine; the stopped iteration is also a
    /// second regulariser towards w₀.
    /// </summary>
    private static Tensor SolveMasked(Tensor gram, Tensor cross, Tensor original, Tensor kept)
    {
        long groups = gram.shape[0], rows = kept.shape[0], width = kept.shape[1];
        using var lambda = (Ridge * gram.diagonal(dim1: 1, dim2: 2).mean().ToDouble() + 1e-12).ToScalar();
        using var one = 1.ToScalar();   // `a + b` would convert its alpha implicitly: see ActivationSite.forward
        Tensor Multiply(Tensor p) => ((p * kept).view(groups, rows / groups, width).matmul(gram).view(rows, width) * kept).add(p * lambda, one);
        var x = original * kept;
        var residual = cross.add(original * lambda, one) * kept - Multiply(x);
        var direction = residual.clone();
        var squared = residual.square().sum(1, keepdim: true);
        using var tiny = 1e-30.ToScalar();
        for (int step = 0; step < Iterations; step++)
        {
            var product = Multiply(direction);
            var alpha = squared / (direction * product).sum(1, keepdim: true).clamp_min(tiny);
            x = x.add(alpha * direction, one);
            residual = residual - alpha * product;
            var next = residual.square().sum(1, keepdim: true);
            direction = residual.add(next / squared.clamp_min(tiny) * direction, one);
            squared = next;
        }
        return x * kept;
    }

    /// <summary>im2col of the sampled images' padded input, per group, with a row of ones for the bias: [g, K + 1, P].</summary>
    private static Tensor SampledPatches(NetNode node, Tensor padded, long perGroup)
    {
        var weight = node.Weight;
        var columns = nn.functional.unfold(padded, (weight.shape[2], weight.shape[3]), stride: (node.Stride, node.Stride)); // [n, Cin·k·k, L]
        var sampled = columns.transpose(0, 1).reshape(node.Groups, perGroup, -1);
        return cat([sampled, ones(node.Groups, 1, sampled.shape[2], dtype: sampled.dtype)], 1);
    }

    /// <summary>Evenly spaced images of a conv output [N, C, H, W], enough for <see cref="MaxPositions"/> output positions.</summary>
    private static Tensor SampledImages(Tensor output) => SampledImages(output.shape[0], output.shape[2] * output.shape[3]);

    /// <summary>The same images for a layer's input.</summary>
    private static Tensor SampledImages(Tensor input, NetNode node) => SampledImages(input.shape[0], node.OutputShape.Rows * (long)node.OutputShape.Cols);

    private static Tensor SampledImages(long images, long positionsPerImage)
    {
        long wanted = Math.Clamp((MaxPositions + positionsPerImage - 1) / positionsPerImage, 1, images);
        return linspace(0, images - 1, wanted).round().to(int64);
    }

    /// <summary>The input padded on all four sides, the module's own padding included: unfold pads nothing.</summary>
    private static Tensor Padded(NetNode node, Tensor x) =>
        node.AllPads == default ? x : nn.functional.pad(x, node.AllPads.ForTorch());
}
