using Hass.Abstractions;
using Hass.Backends.TestSupport;

namespace Hass.Backends.Dataflow.Tests;

/// <summary>Seeded random properties of the layer model and the DSE.</summary>
public class PropertyTests
{
    private static SparsityProfile RandomProfile(NetworkGraph g, int seed)
    {
        var rng = new Random(seed);
        var layers = new List<LayerSparsity>();
        foreach (var l in g.Layers.Where(l => l.Kind == LayerKind.Conv))
        {
            var rows = new double[l.InputShape.Channels][];
            for (int c = 0; c < rows.Length; c++)
            {
                // Random histogram: mixture of a binomial and an all-zero spike.
                var row = SyntheticProfiles.Binomial(l.KernelSize, rng.NextDouble() * 0.9);
                double spike = rng.NextDouble() * 0.3;
                for (int z = 0; z < row.Length; z++) row[z] *= 1 - spike;
                row[^1] += spike;
                rows[c] = row;
            }
            layers.Add(new LayerSparsity { Layer = l.Name, KernelSize = l.KernelSize, Histogram = rows });
        }
        return new SparsityProfile { Layers = layers };
    }

    public static IEnumerable<object[]> Seeds => Enumerable.Range(1, 25).Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Raising_a_folding_factor_never_raises_that_layers_cycles(int seed)
    {
        var g = RandomGraphs.Create(seed);
        var net = NetworkModel.Build(g, RandomProfile(g, seed), sparse: true, 0.1);
        var rng = new Random(seed);
        foreach (var node in net.Nodes.Skip(1))
        {
            for (int trial = 0; trial < 20; trial++)
            {
                var f = new LayerFolding(Pick(node.CoarseIn, rng), Pick(node.CoarseOut, rng), Pick(node.CoarseGroup, rng), Pick(node.Fine, rng));
                if (!node.IsWeightLayer) f = f with { CoarseOut = f.CoarseIn };
                double cycles = CostModel.Evaluate(node, f).Cycles;
                foreach (var raised in Raised(node, f))
                    Assert.True(CostModel.Evaluate(node, raised).Cycles <= cycles + 1e-9,
                        $"{node}: {f} → {raised} raised cycles from {cycles} to {CostModel.Evaluate(node, raised).Cycles}");
            }
        }
    }

    private static int Pick(int[] values, Random rng) => values[rng.Next(values.Length)];

    private static IEnumerable<LayerFolding> Raised(Node node, LayerFolding f)
    {
        foreach (var v in node.CoarseIn.Where(v => v > f.CoarseIn)) yield return node.IsWeightLayer ? f with { CoarseIn = v } : f with { CoarseIn = v, CoarseOut = v };
        if (node.IsWeightLayer) foreach (var v in node.CoarseOut.Where(v => v > f.CoarseOut)) yield return f with { CoarseOut = v };
        foreach (var v in node.CoarseGroup.Where(v => v > f.CoarseGroup)) yield return f with { CoarseGroup = v };
        foreach (var v in node.Fine.Where(v => v > f.Fine)) yield return f with { Fine = v };
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_sparse_layer_is_never_slower_than_the_same_dense_layer(int seed)
    {
        var g = RandomGraphs.Create(seed);
        var profile = RandomProfile(g, seed);
        var sparseNet = NetworkModel.Build(g, profile, sparse: true, 0.0);
        var denseNet = NetworkModel.Build(g, profile, sparse: false, 0.0);
        var rng = new Random(seed);
        foreach (var dense in denseNet.Nodes.Where(n => n.IsConv))
        {
            var sparse = sparseNet.Nodes[dense.Index];
            Assert.True(sparse.IsSparse);
            for (int trial = 0; trial < 20; trial++)
            {
                var f = new LayerFolding(Pick(dense.CoarseIn, rng), Pick(dense.CoarseOut, rng), Pick(dense.CoarseGroup, rng), Pick(dense.Fine, rng));
                if (sparse.Implementation == NodeImplementation.PointwiseSparseConv) f = f with { Fine = 1 };
                Assert.True(CostModel.Evaluate(sparse, f).Cycles <= CostModel.Evaluate(dense, f).Cycles + 1e-9, $"{sparse} at {f}");
            }
        }
    }

    public static IEnumerable<object[]> SeedsAndBoards =>
        from seed in Enumerable.Range(1, 12)
        from board in new[] { "zedboard", "zc706", "kv260", "zcu102" }
        select new object[] { seed, board };

    [Theory]
    [MemberData(nameof(SeedsAndBoards))]
    public void Every_dse_result_fits_its_board(int seed, string boardName)
    {
        var board = Boards.Load(boardName);
        var g = RandomGraphs.Create(seed);
        var options = new DesignOptions { ResourceAllocation = seed % 2 == 0 ? 1.0 : 0.7, Anneal = seed % 3 == 0, Seed = seed };
        foreach (var (backend, profile) in new[] { (new DataflowBackend(true), RandomProfile(g, seed)), (new DataflowBackend(false), SparsityProfile.Dense()) })
        {
            var design = backend.Optimize(g, profile, board, options);
            Assert.True(design.Resources.FitsOn(board, options.ResourceAllocation), $"{backend.Name}: {design.Resources} on {boardName}");
            foreach (var p in design.Partitions) Assert.True(p.Resources.FitsOn(board, options.ResourceAllocation));
            Assert.True(design.Performance.ThroughputImagesPerSecond > 0);
            Assert.Equal(g.Layers.Count, design.Layers.Count);
        }
    }

    [Theory]
    [InlineData("resnet18", "zcu102")]
    [InlineData("mobilenet-v2", "zcu104")]
    [InlineData("mobilenet-v3-large", "kv260")]
    [InlineData("resnet50", "u250")]
    public void Zoo_designs_fit_including_partitioned_ones(string model, string boardName)
    {
        var board = Boards.Load(boardName);
        var g = ZooGraphs.ByName(model);
        var design = new DataflowBackend(true).Optimize(g, SyntheticProfiles.Uniform(g, 0.5), board, new DesignOptions());
        Assert.True(design.Resources.FitsOn(board), design.Resources.ToString());
        Assert.All(design.Partitions, p => Assert.True(p.Resources.FitsOn(board)));
        Assert.All(design.Layers.Skip(1), l => Assert.InRange(l.Partition, 0, design.Partitions.Count - 1));
    }
}
