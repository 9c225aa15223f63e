using System.Globalization;
using System.Text.RegularExpressions;
using Hass.Abstractions;
using Hass.Cli;

namespace Hass.IntegrationTests;

/// <summary>
/// Real profiles (`hass profile` of fmnist-vgg and fmnist-mobilenet over 32 Fashion-MNIST calibration images) and a
/// board with URAM and little BRAM (a zedboard variant), made once for <see cref="DesignOptionFlagTests"/>.
/// </summary>
public sealed class DesignFlagFixture : IDisposable
{
    public string Dir { get; } = HassProcess.TempDir();
    public string Store => Path.Combine(Dir, "hass.db");
    public string VggProfile => Path.Combine(Dir, "vgg-profile.json");
    public string MobilenetProfile => Path.Combine(Dir, "mobilenet-profile.json");
    public string Boards => Path.Combine(Dir, "boards");

    public DesignFlagFixture()
    {
        foreach (var (model, path) in new[] { ("fmnist-vgg", VggProfile), ("fmnist-mobilenet", MobilenetProfile) })
        {
            var (code, _, stderr) = HassProcess.RunIn(Dir, TimeSpan.FromMinutes(5), "profile", model, "--calibration-images", "32", "--out", path, "--store", Store);
            if (code != ExitCodes.Success) throw new InvalidOperationException($"hass profile {model}: exit {code}: {stderr}");
        }
        Directory.CreateDirectory(Boards);
        var zedboard = File.ReadAllText(Path.Combine(HassProcess.RepoRoot, "boards", "zedboard.json"));
        File.WriteAllText(Path.Combine(Boards, "uram-board.json"), zedboard.Replace("\"zedboard\"", "\"uram-board\"")
            .Replace("\"bram18\": 280", "\"bram18\": 40").Replace("\"uram\": 0", "\"uram\": 40"));
    }

    /// <summary>`hass design … --json` as a real process, its design parsed.</summary>
    public HardwareDesign Design(params string[] args)
    {
        var (code, stdout, stderr) = HassProcess.RunIn(Dir, TimeSpan.FromMinutes(3), ["design", .. args, "--json", "--store", Store, "--boards", Boards]);
        Assert.True(code == ExitCodes.Success, $"hass design {string.Join(' ', args)}: exit {code}: {stderr}");
        return HassJson.Deserialize<HardwareDesign>(stdout);
    }

    /// <summary>Writes the design's folding as a --folding file, so that a flag's effect is seen on the same folding.</summary>
    public string FoldingOf(HardwareDesign design, string name)
    {
        var path = Path.Combine(Dir, name + ".json");
        File.WriteAllText(path, HassJson.Serialize(design.Folding));
        return path;
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

/// <summary>Each `hass design` design-option flag, run as a real process, changes the design the way docs/cli.md says.</summary>
public class DesignOptionFlagTests(DesignFlagFixture f) : IClassFixture<DesignFlagFixture>
{
    private string[] Vgg => ["--model", "fmnist-vgg", "--board", "zedboard", "--backend", "dataflow-sparse", "--profile", f.VggProfile];

    private (HardwareDesign Default, string Folding) VggDefault()
    {
        var design = f.Design(Vgg);
        return (design, f.FoldingOf(design, "vgg-folding"));
    }

    private static double Cycles(HardwareDesign d, string layer) => d.Layers.Single(l => l.Layer == layer).Cycles;

    [Fact]
    public void The_table_gives_each_layer_its_floor_and_the_design_its_sparsity_cap()
    {
        var design = f.Design(Vgg);
        Assert.All(design.Layers.Where(l => l.Kind != LayerKind.Input), l => Assert.True(l.FloorCycles <= l.Cycles, $"{l.Layer}: floor {l.FloorCycles}, cycles {l.Cycles}"));
        var cap = SparsityCap.Of(design)!;
        Assert.True(cap.ImagesPerSecond >= design.Performance.ThroughputImagesPerSecond);
        var (code, stdout, stderr) = HassProcess.RunIn(f.Dir, TimeSpan.FromMinutes(3), ["design", .. Vgg, "--store", f.Store, "--boards", f.Boards]);
        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Contains("floor", stdout);
        var text = Regex.Replace(stdout, @"\s+", " ");
        Assert.Contains("sparsity cap: " + cap.Describe(), text);

        // The next folding level's board, every resource scaled by the printed factor, takes the DSE past the cap.
        var price = Regex.Match(text, @"next folding level: the DSE passes this cap on a board with (\d+\.\d\d)× these resources \(([\d,]+) img/s there\)");
        Assert.True(price.Success, text);
        var scale = double.Parse(price.Groups[1].Value, CultureInfo.InvariantCulture);
        var zedboard = HassJson.Deserialize<BoardSpec>(File.ReadAllText(Path.Combine(HassProcess.RepoRoot, "boards", "zedboard.json")));
        File.WriteAllText(Path.Combine(f.Boards, "next-level.json"), HassJson.Serialize(NextFoldingLevel.Scaled(zedboard, scale) with { Name = "next-level" }));
        var larger = f.Design(["--model", "fmnist-vgg", "--board", "next-level", "--backend", "dataflow-sparse", "--profile", f.VggProfile]);
        Assert.True(larger.Performance.ThroughputImagesPerSecond > cap.ImagesPerSecond, $"{larger.Performance.ThroughputImagesPerSecond} img/s at {scale}×");
        Assert.Equal(price.Groups[2].Value, larger.Performance.ThroughputImagesPerSecond.ToString("N0", CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Batch_sets_the_batch_size_and_batch_1_latency_is_one_image()
    {
        var (standard, _) = VggDefault();
        var one = f.Design([.. Vgg, "--batch", "1"]);
        Assert.Equal(256, standard.Performance.BatchSize);
        Assert.Equal(1, one.Performance.BatchSize);
        // One image: at least one interval of the bottleneck, far below a batch of 256.
        Assert.True(one.Performance.LatencySeconds < standard.Performance.LatencySeconds / 50, $"{one.Performance.LatencySeconds} vs {standard.Performance.LatencySeconds}");
        Assert.True(one.Performance.LatencySeconds * 200e6 >= one.Performance.IntervalCycles);
    }

    [Fact]
    public void Sparse_cycles_average_changes_the_prediction_of_the_same_folding()
    {
        // lane-max times the row pipeline from each row's slowest lane; average takes fpgaConvNet's per-layer figure and fill fractions.
        var (laneMax, folding) = VggDefault();
        var average = f.Design([.. Vgg, "--folding", folding, "--sparse-cycles", "average"]);
        Assert.Equal(laneMax.Folding, average.Folding);
        Assert.NotEqual(laneMax.Performance.ThroughputImagesPerSecond, average.Performance.ThroughputImagesPerSecond);
        Assert.NotEqual(laneMax.Performance.LatencySeconds, average.Performance.LatencySeconds);
    }

    [Fact]
    public void Skip_zero_windows_false_charges_a_cycle_for_every_all_zero_window()
    {
        var (skipping, folding) = VggDefault();
        var charging = f.Design([.. Vgg, "--folding", folding, "--skip-zero-windows", "false"]);
        var sparse = skipping.Layers.Where(l => l.Sparse).Select(l => l.Layer).ToList();
        Assert.All(sparse, layer => Assert.True(Cycles(charging, layer) >= Cycles(skipping, layer)));
        Assert.Contains(sparse, layer => Cycles(charging, layer) > Cycles(skipping, layer));
    }

    [Fact]
    public void Anneal_true_refines_the_greedy_design_and_never_ends_slower()
    {
        var (greedy, _) = VggDefault();
        var annealed = f.Design([.. Vgg, "--anneal", "true"]);
        Assert.True(annealed.Performance.ThroughputImagesPerSecond >= greedy.Performance.ThroughputImagesPerSecond,
            $"{annealed.Performance.ThroughputImagesPerSecond} vs {greedy.Performance.ThroughputImagesPerSecond}");
        Assert.True(annealed.Resources.Dsp <= 220 && annealed.Resources.Lut <= 53_200, $"{annealed.Resources}");
        Assert.Equal(greedy.Folding, f.Design([.. Vgg, "--anneal", "false"]).Folding);
    }

    [Fact]
    public void Calibration_images_set_the_images_the_pruned_networks_profile_is_measured_over()
    {
        var parameters = Path.Combine(f.Dir, "vgg-params.json");
        File.WriteAllText(parameters, """{ "w:features.3": 0.5, "a:features.2": 0.2 }""");
        string[] pruned = ["--model", "fmnist-vgg", "--board", "zedboard", "--backend", "dataflow-sparse", "--params", parameters];
        // The lane-max figure averages each sparse row over the profile's sample images, so other images give other cycles.
        double Throughput(string images) => f.Design([.. pruned, "--calibration-images", images]).Performance.ThroughputImagesPerSecond;
        var sixteen = Throughput("16");
        Assert.NotEqual(sixteen, Throughput("24"));
        Assert.Equal(sixteen, Throughput("16"));
    }

    [Fact]
    public void Dense_below_1_keeps_every_layer_dense()
    {
        Assert.Contains(f.Design(Vgg).Layers, l => l.Sparse);
        Assert.DoesNotContain(f.Design([.. Vgg, "--dense-below", "1"]).Layers, l => l.Sparse);
    }

    [Fact]
    public void Pointwise_clusters_change_the_average_figure_of_pointwise_sparse_layers()
    {
        string[] mobilenet = ["--model", "fmnist-mobilenet", "--board", "zedboard", "--backend", "dataflow-sparse", "--profile", f.MobilenetProfile, "--sparse-cycles", "average"];
        var one = f.Design(mobilenet);
        var folding = f.FoldingOf(one, "mobilenet-folding");
        var clustered = f.Design([.. mobilenet, "--folding", folding, "--pointwise-clusters", "4"]);
        var unclustered = f.Design([.. mobilenet, "--folding", folding]);
        Assert.Contains(unclustered.Layers, l => l.Sparse && clustered.Layers.Single(c => c.Layer == l.Layer).Cycles != l.Cycles);
        // Only pointwise layers are clustered: every k×k layer keeps its cycles.
        var graph = HassProcess.RunIn(f.Dir, TimeSpan.FromMinutes(2), "graph", "fmnist-mobilenet", "--json", "--store", f.Store).Out;
        var kxk = HassJson.Deserialize<NetworkGraph>(graph).Layers.Where(l => l.Kind == LayerKind.Conv && l.KernelSize > 1).Select(l => l.Name).ToHashSet();
        Assert.All(unclustered.Layers.Where(l => kxk.Contains(l.Layer)), l => Assert.Equal(l.Cycles, clustered.Layers.Single(c => c.Layer == l.Layer).Cycles));
    }

    [Fact]
    public void Lutram_max_depth_moves_shallow_memories_between_LUTRAM_and_BRAM()
    {
        var (standard, folding) = VggDefault();
        var noLutram = f.Design([.. Vgg, "--folding", folding, "--lutram-max-depth", "0"]);
        var deepLutram = f.Design([.. Vgg, "--folding", folding, "--lutram-max-depth", "4096"]);
        Assert.True(noLutram.Resources.Bram18 > standard.Resources.Bram18, $"{noLutram.Resources.Bram18} vs {standard.Resources.Bram18}");
        Assert.True(noLutram.Resources.Lut < standard.Resources.Lut);
        Assert.True(deepLutram.Resources.Bram18 < standard.Resources.Bram18);
        Assert.True(deepLutram.Resources.Lut > standard.Resources.Lut);
    }

    [Fact]
    public void Uram_min_bram18_keeps_weight_memories_below_it_out_of_URAM()
    {
        string[] uram = ["--model", "fmnist-vgg", "--board", "uram-board", "--backend", "dataflow-sparse", "--profile", f.VggProfile];
        var standard = f.Design(uram);
        Assert.True(standard.Resources.Uram > 0, "BRAM over budget: weight memories move to URAM");
        Assert.Equal(0, f.Design([.. uram, "--uram-min-bram18", "1000"]).Resources.Uram);
    }
}
