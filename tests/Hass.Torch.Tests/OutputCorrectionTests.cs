using Hass.Abstractions;
using Hass.Torch.Models;
using Hass.Torch.Pruning;
using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Tests;

public class OutputCorrectionTests
{
    private static HassNet SmallNet()
    {
        random.manual_seed(3);
        var b = new NetBuilder("small", new TensorShape(2, 8, 8));
        var x = b.ReLU("relu1", b.Conv("conv1", b.Input, 6, 3, padding: 1, bias: true));
        x = b.ReLU("relu2", b.Conv("conv2", x, 6, 3, padding: 1, groups: 3, bias: true));
        x = b.Flatten("flatten", b.GlobalPool("pool", x));
        b.Linear("fc", x, 4);
        var net = b.Build(4);
        net.eval();
        return net;
    }

    private static Tensor Images(int count) { random.manual_seed(8); return rand(count, 2, 8, 8); }

    /// <summary>Smooth images whose channels move together, as real ones do (neighbouring inputs are what a refit can lean on).</summary>
    private static Tensor SmoothImages(int count, TensorShape shape)
    {
        random.manual_seed(8);
        using var coarse = rand(count, 1, 3, 3);
        using var smooth = nn.functional.interpolate(coarse, [shape.Rows, shape.Cols], mode: InterpolationMode.Bilinear, align_corners: true);
        using var noise = rand(count, shape.Channels, shape.Rows, shape.Cols);
        return smooth.expand(count, shape.Channels, shape.Rows, shape.Cols) + 0.1 * noise;
    }

    /// <summary>Per-channel output means of every Conv/Linear layer on <paramref name="images"/>.</summary>
    private static Dictionary<string, float[]> LayerMeans(HassNet net, Tensor images) =>
        LayerStatistic(net, images, (output, dims) => output.mean(dims));

    /// <summary>Per-channel output standard deviations of every Conv/Linear layer on <paramref name="images"/>.</summary>
    private static Dictionary<string, float[]> LayerSpreads(HassNet net, Tensor images) =>
        LayerStatistic(net, images, (output, dims) => output.std(dims));

    private static Dictionary<string, float[]> LayerStatistic(HassNet net, Tensor images, Func<Tensor, long[], Tensor> statistic)
    {
        var values = new Dictionary<string, float[]>();
        ObserveLayers(net, images, (node, output) => values[node.Name] = statistic(output, node.Op == NodeOp.Conv ? [0, 2, 3] : [0]).data<float>().ToArray());
        return values;
    }

    /// <summary>Runs <paramref name="net"/> on <paramref name="images"/> and calls back with every Conv and Linear layer's output.</summary>
    private static void ObserveLayers(HassNet net, Tensor images, Action<NetNode, Tensor> atLayer)
    {
        using var _ = no_grad();
        net.OutputObserver = (node, output) =>
        {
            if (node.Op is NodeOp.Conv or NodeOp.Linear) atLayer(node, output);
        };
        net.forward(images).Dispose();
        net.OutputObserver = null;
    }

    private static Dictionary<string, byte[]> Weights(HassNet net) =>
        net.WeightNodes.ToDictionary(n => n.Name, n => n.Weight.contiguous().bytes.ToArray());

    private static Dictionary<string, byte[]> Biases(HassNet net) =>
        net.WeightNodes.ToDictionary(n => n.Name, n => n.BiasTensor!.contiguous().bytes.ToArray());

    [Fact]
    public void A_pruned_network_gets_back_every_layers_mean_output_and_its_zeros_stay()
    {
        using var net = SmallNet();
        using var images = Images(32);
        var dense = LayerMeans(net, images);
        using var correction = new OutputCorrection(net, images.clone());
        using var edits = new PruningEdits();
        foreach (var node in net.WeightNodes) edits.PruneWeights(node, 0.8 * PruningEdits.WeightStd(node));
        edits.SetActivationThreshold(net.Node("relu1"), 0.3);
        var pruned = LayerMeans(net, images);
        Assert.Contains(pruned, kv => kv.Value.Zip(dense[kv.Key]).Any(p => Math.Abs(p.First - p.Second) > 1e-2));
        var zeros = net.WeightNodes.Sum(n => n.Weight.eq(0).sum().item<long>());

        using (correction.Apply(net))
        {
            foreach (var (layer, means) in LayerMeans(net, images))
                Assert.All(means.Zip(dense[layer]), p => Assert.Equal(p.Second, p.First, 1e-4));
            Assert.Equal(zeros, net.WeightNodes.Sum(n => n.Weight.eq(0).sum().item<long>()));
        }
    }

    [Fact]
    public void Disposing_the_correction_restores_every_bias_bit_for_bit_and_an_unpruned_network_is_left_as_it_is()
    {
        using var net = SmallNet();
        using var images = Images(16);
        var before = Biases(net);
        using var correction = new OutputCorrection(net, images.clone());
        using (correction.Apply(net)) Assert.Equal(before, Biases(net));

        using (var edits = new PruningEdits())
        {
            foreach (var node in net.WeightNodes) edits.PruneWeights(node, PruningEdits.WeightStd(node));
            using (correction.Apply(net)) Assert.NotEqual(before, Biases(net));
        }
        Assert.Equal(before, Biases(net));
    }

    [Fact]
    public void Scale_correction_gives_back_each_layers_spread_and_mean_with_the_same_zeros_and_restores_the_weights()
    {
        using var net = SmallNet();
        using var images = Images(32);
        var denseMeans = LayerMeans(net, images);
        var denseSpreads = LayerSpreads(net, images);
        using var correction = new OutputCorrection(net, images.clone(), scale: true);
        using var edits = new PruningEdits();
        // Weight pruning alone: every needed factor stays within [MinScale, MaxScale] (a threshold that silences a
        // layer's input would need more, and the factor stops at the bound).
        foreach (var node in net.WeightNodes) edits.PruneWeights(node, 0.8 * PruningEdits.WeightStd(node));
        var zeroMasks = net.WeightNodes.ToDictionary(n => n.Name, n => n.Weight.eq(0).data<bool>().ToArray());
        var before = (Weights(net), Biases(net));

        using (correction.Apply(net))
        {
            var spreads = LayerSpreads(net, images);
            foreach (var (layer, means) in LayerMeans(net, images))
            {
                Assert.All(means.Zip(denseMeans[layer]), p => Assert.Equal(p.Second, p.First, 1e-4));
                Assert.All(spreads[layer].Zip(denseSpreads[layer]), p => Assert.True(Math.Abs(p.Second - p.First) < 1e-4, $"{layer}: {p.First} against {p.Second}"));
            }
            Assert.Equal(zeroMasks, net.WeightNodes.ToDictionary(n => n.Name, n => n.Weight.eq(0).data<bool>().ToArray()));
            Assert.NotEqual(before.Item1, Weights(net));
        }
        Assert.Equal(before.Item1, Weights(net));
        Assert.Equal(before.Item2, Biases(net));
    }

    [Fact]
    public void Scale_correction_leaves_an_unpruned_network_as_it_is()
    {
        using var net = SmallNet();
        using var images = Images(16);
        var before = (Weights(net), Biases(net));
        using var correction = new OutputCorrection(net, images.clone(), scale: true);
        using (correction.Apply(net))
        {
            foreach (var node in net.WeightNodes)
                Assert.True(node.Weight.allclose(TensorOf(before.Item1[node.Name], node.Weight), rtol: 1e-5, atol: 1e-6), node.Name);
        }
        Assert.Equal(before.Item1, Weights(net));
        Assert.Equal(before.Item2, Biases(net));
    }

    private static Tensor TensorOf(byte[] bytes, Tensor like)
    {
        var floats = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, floats, 0, bytes.Length);
        return tensor(floats).view(like.shape);
    }

    [Fact]
    public void Large_inputs_are_corrected_on_fewer_images_so_the_one_batch_stays_within_its_memory()
    {
        using var small = SmallNet();
        Assert.Equal(200, OutputCorrection.ImagesFor(small, 200));
        Assert.Equal(256, OutputCorrection.ImagesFor(small, 1000));
        var b = new NetBuilder("wide", new TensorShape(3, 224, 224));
        var x = b.Conv("conv1", b.Input, 64, 7, stride: 2, padding: 3, bias: true);   // 64×112×112 = 802,816 values per image
        b.Linear("fc", b.Flatten("flatten", b.GlobalPool("pool", x)), 10);
        using var wide = b.Build(10);
        Assert.Equal(41, OutputCorrection.ImagesFor(wide, 1000));
    }

    /// <summary>A net whose convolutions have a stride, groups and asymmetric padding, for the weight reconstruction.</summary>
    private static HassNet StridedNet()
    {
        random.manual_seed(5);
        var b = new NetBuilder("strided", new TensorShape(2, 9, 9));
        var x = b.ReLU("relu1", b.Conv("conv1", b.Input, 8, 3, stride: 2, new Pads(0, 1, 1, 0), groups: 1, bias: true));
        x = b.ReLU("relu2", b.Conv("conv2", x, 8, 3, padding: 1, groups: 4, bias: true));
        x = b.ReLU("relu3", b.Conv("conv3", x, 6, 1, bias: true));
        b.Linear("fc", b.Flatten("flatten", b.GlobalPool("pool", x)), 4);
        var net = b.Build(4);
        net.eval();
        return net;
    }

    /// <summary>Mean squared difference between every Conv layer's output and the dense one.</summary>
    private static double ConvError(HassNet net, Tensor images, Dictionary<string, Tensor> dense)
    {
        double error = 0;
        ObserveLayers(net, images, (node, output) => { if (node.Op == NodeOp.Conv) error += (output - dense[node.Name]).square().mean().ToDouble(); });
        return error;
    }

    private static Dictionary<string, Tensor> ConvOutputs(HassNet net, Tensor images)
    {
        var outputs = new Dictionary<string, Tensor>();
        ObserveLayers(net, images, (node, output) => { if (node.Op == NodeOp.Conv) outputs[node.Name] = output.clone(); });
        return outputs;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Weight_reconstruction_fits_every_conv_closer_to_the_dense_output_than_the_bias_alone_and_keeps_its_zeros(bool strided)
    {
        using var net = strided ? StridedNet() : SmallNet();
        using var images = SmoothImages(64, net.InputShape);
        var dense = ConvOutputs(net, images);
        var denseMeans = LayerMeans(net, images);
        using var biasOnly = new OutputCorrection(net, images.clone());
        using var reconstruction = new OutputCorrection(net, images.clone(), reconstruct: true);
        using var edits = new PruningEdits();
        foreach (var node in net.WeightNodes) edits.PruneWeights(node, 0.8 * PruningEdits.WeightStd(node));
        edits.SetActivationThreshold(net.Node("relu1"), 0.2);
        var zeroMasks = net.WeightNodes.ToDictionary(n => n.Name, n => n.Weight.eq(0).data<bool>().ToArray());
        var before = (Weights(net), Biases(net));

        double biasError, fittedError;
        using (biasOnly.Apply(net)) biasError = ConvError(net, images, dense);
        using (reconstruction.Apply(net))
        {
            fittedError = ConvError(net, images, dense);
            Assert.Equal(zeroMasks, net.WeightNodes.ToDictionary(n => n.Name, n => n.Weight.eq(0).data<bool>().ToArray()));
            Assert.NotEqual(before.Item1, Weights(net));
            Assert.All(LayerMeans(net, images)["fc"].Zip(denseMeans["fc"]), p => Assert.Equal(p.Second, p.First, 1e-4)); // Linear: the bias correction
        }
        Assert.True(fittedError < 0.5 * biasError, $"reconstructed {fittedError} against bias-corrected {biasError}");
        Assert.Equal(before.Item1, Weights(net));
        Assert.Equal(before.Item2, Biases(net));
        foreach (var output in dense.Values) output.Dispose();
    }

    [Fact]
    public void Weight_reconstruction_leaves_an_unpruned_network_as_it_is()
    {
        using var net = StridedNet();
        using var images = SmoothImages(32, net.InputShape);
        var before = Weights(net);
        using var correction = new OutputCorrection(net, images.clone(), reconstruct: true);
        using (correction.Apply(net))
        {
            foreach (var node in net.WeightNodes)
                // The fit's Gram matrices are summed in float32 (weights here are up to about 0.25).
                Assert.True(node.Weight.allclose(TensorOf(before[node.Name], node.Weight), rtol: 1e-3, atol: 1e-3), $"{node.Name}: {(node.Weight - TensorOf(before[node.Name], node.Weight)).abs().max().ToDouble()} of {node.Weight.abs().max().ToDouble()}");
        }
        Assert.Equal(before, Weights(net));
    }
}
