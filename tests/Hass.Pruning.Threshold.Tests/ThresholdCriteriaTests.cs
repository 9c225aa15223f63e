using System.Text.Json;
using Hass.Abstractions;
using Hass.Torch.Evaluation;
using Hass.Torch.Models;
using Hass.Torch.Pruning;
using static TorchSharp.torch;

namespace Hass.Pruning.Threshold.Tests;

public class ThresholdCriteriaTests
{
    /// <summary>A small network with every kind of site: ReLU, ReLU6, hardswish, SE gate, Linear.</summary>
    private static HassNet SmallNet()
    {
        random.manual_seed(11);
        var b = new NetBuilder("tiny", new TensorShape(2, 8, 8));
        var x = b.Conv("conv1", b.Input, 8, 3, padding: 1);
        x = b.BatchNorm("bn1", x);
        x = b.ReLU("relu1", x);
        x = b.Conv("conv2", x, 8, 3, padding: 1, groups: 8);
        x = b.ReLU6("relu6", x);
        var s = b.GlobalPool("se.avgpool", x);
        s = b.Conv("se.fc1", s, 4, 1, bias: true);
        s = b.Hardsigmoid("se.gate", b.Conv("se.fc2", b.ReLU("se.relu", s), 8, 1, bias: true));
        x = b.Mul("se.mul", x, s);
        x = b.Hardswish("hs", b.Conv("conv3", x, 8, 1));
        x = b.Flatten("flatten", b.GlobalPool("pool", x));
        b.Linear("fc", x, 3);
        var net = b.Build(3);
        return TrialNetwork.Prepare(net, fixedPoint16: true);
    }

    private static Dictionary<string, byte[]> Snapshot(HassNet net) =>
        net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.contiguous().bytes.ToArray());

    [Fact]
    public void PerLayerSearchSpaceNamesEveryLayerAndSite()
    {
        using var net = SmallNet();
        var space = new ThresholdCriterion().Attach(net, default).SearchSpace;
        var names = space.Dimensions.Select(d => d.Name).ToHashSet();
        Assert.Equal(new HashSet<string> { "w:conv1", "w:conv2", "w:se.fc1", "w:se.fc2", "w:conv3", "w:fc", "a:relu1", "a:relu6", "a:se.relu" }, names);
        Assert.All(space.Dimensions.Where(d => d.Name.StartsWith("w:")), d => Assert.Equal((0.0, 2.0), (d.Low, d.High)));
        Assert.All(space.Dimensions.Where(d => d.Name.StartsWith("a:")), d => Assert.Equal((0.0, 1.0), (d.Low, d.High)));
        Assert.All(space.Dimensions, d => Assert.Equal(0, d.Default));

        var settings = JsonDocument.Parse("""{"weightMode":"absolute","activationMax":0.5,"hardswish":"magnitude","pruneLinear":false}""").RootElement;
        var absolute = new ThresholdCriterion().Attach(net, settings).SearchSpace;
        Assert.Contains(absolute.Dimensions, d => d.Name == "a:hs" && d.High == 0.5);
        Assert.DoesNotContain(absolute.Dimensions, d => d.Name == "w:fc");
        Assert.Equal(0.05, absolute["w:conv1"].High);
    }

    [Fact]
    public void Bias_correction_is_asked_of_the_evaluator_and_changes_the_settings_key_only_when_on()
    {
        using var net = SmallNet();
        var plain = new ThresholdCriterion().Attach(net, default);
        var off = new ThresholdCriterion().Attach(net, JsonDocument.Parse("""{"biasCorrection": false}""").RootElement);
        var on = new UniformCriterion().Attach(net, JsonDocument.Parse("""{"biasCorrection": true}""").RootElement);
        Assert.False(plain.CorrectsBias);
        Assert.Equal(plain.SettingsKey, off.SettingsKey);
        Assert.True(on.CorrectsBias);
        Assert.EndsWith(";bias-correction", on.SettingsKey);
        Assert.False(on.CorrectsScale);
    }

    [Fact]
    public void Scale_correction_implies_the_bias_correction_and_has_its_own_settings_key()
    {
        using var net = SmallNet();
        var scale = new ThresholdCriterion().Attach(net, JsonDocument.Parse("""{"scaleCorrection": true}""").RootElement);
        var bias = new ThresholdCriterion().Attach(net, JsonDocument.Parse("""{"biasCorrection": true}""").RootElement);
        Assert.True(scale.CorrectsScale);
        Assert.True(scale.CorrectsBias);
        Assert.EndsWith(";scale-correction", scale.SettingsKey);
        Assert.NotEqual(bias.SettingsKey, scale.SettingsKey);
        Assert.Equal(new ThresholdCriterion().Attach(net, default).SettingsKey,
            new ThresholdCriterion().Attach(net, JsonDocument.Parse("""{"scaleCorrection": false}""").RootElement).SettingsKey);
    }

    [Fact]
    public void Weight_reconstruction_implies_the_bias_correction_and_has_its_own_settings_key()
    {
        using var net = SmallNet();
        var refit = new UniformCriterion().Attach(net, JsonDocument.Parse("""{"weightReconstruction": true}""").RootElement);
        Assert.True(refit.ReconstructsWeights);
        Assert.True(refit.CorrectsBias);
        Assert.False(refit.CorrectsScale);
        Assert.EndsWith(";weight-reconstruction", refit.SettingsKey);
        Assert.False(new ThresholdCriterion().Attach(net, JsonDocument.Parse("""{"biasCorrection": true}""").RootElement).ReconstructsWeights);
        Assert.Equal(new ThresholdCriterion().Attach(net, default).SettingsKey,
            new ThresholdCriterion().Attach(net, JsonDocument.Parse("""{"weightReconstruction": false}""").RootElement).SettingsKey);
    }

    [Fact]
    public void UniformHasTwoGlobalDimensions()
    {
        using var net = SmallNet();
        var space = new UniformCriterion().Attach(net, default).SearchSpace;
        Assert.Equal(["w:*", "a:*"], space.Dimensions.Select(d => d.Name));
    }

    [Theory]
    [InlineData("threshold")]
    [InlineData("uniform")]
    public void ApplyThenRevertRestoresEveryBit(string criterionName)
    {
        using var net = SmallNet();
        IPruningCriterion criterion = criterionName == "threshold" ? new ThresholdCriterion() : new UniformCriterion();
        var session = criterion.Attach(net, default);
        var before = Snapshot(net);
        var rng = new Random(5);
        for (int trial = 0; trial < 5; trial++)
        {
            var point = new ParameterSet(session.SearchSpace.Dimensions.ToDictionary(d => d.Name, d => d.High * rng.NextDouble()));
            using (var handle = session.Apply(point))
            {
                long zeros = net.WeightNodes.Sum(n => n.Weight.eq(0).sum().item<long>());
                Assert.True(zeros > 0, "the pruning must zero some weights");
                Assert.Contains(net.ActivationNodes, n => n.Site.Threshold > 0);
            }
            var after = Snapshot(net);
            foreach (var (key, bytes) in before) Assert.Equal(bytes, after[key]);
            Assert.All(net.ActivationNodes, n => Assert.Equal(0, n.Site.Threshold));
        }
    }

    [Fact]
    public void RelativeThresholdZeroesExactlyTheWeightsBelowAlphaStd()
    {
        using var net = SmallNet();
        var session = new ThresholdCriterion().Attach(net, default);
        var conv = net.Node("conv1");
        var original = conv.Weight.detach().clone();
        double std = original.std().item<float>();
        var point = ModelPoint(session.SearchSpace, ("w:conv1", 0.8));
        using (session.Apply(point))
        {
            var expectedZero = original.abs().lt(0.8 * std).logical_or(original.eq(0));
            Assert.True(conv.Weight.eq(0).eq(expectedZero).all().item<bool>());
            Assert.True(conv.Weight.masked_fill(expectedZero, 0).eq(original.masked_fill(expectedZero, 0)).all().item<bool>());
        }
    }

    [Theory]
    [InlineData("filter", 8L)]    // conv1: 8 filters of 2 × 3 × 3 weights
    [InlineData("kernel", 16L)]   // 8 filters × 2 input channels, 9 weights each
    public void Balanced_weights_zero_as_many_weights_as_the_threshold_the_same_number_per_group(string balance, long groups)
    {
        using var net = SmallNet();
        var conv = net.Node("conv1");
        var original = conv.Weight.detach().clone();
        double std = original.std().item<float>();
        long belowThreshold = original.abs().lt(0.8 * std).sum().item<long>();
        var session = new ThresholdCriterion().Attach(net, JsonDocument.Parse($$"""{"weightBalance": "{{balance}}"}""").RootElement);
        Assert.EndsWith(";balance=" + balance, session.SettingsKey);
        var before = Snapshot(net);
        using (session.Apply(ModelPoint(session.SearchSpace, ("w:conv1", 0.8))))
        {
            var zero = conv.Weight.eq(0);
            Assert.Equal(belowThreshold, zero.sum().item<long>());
            var perGroup = zero.view(groups, -1).sum(1).data<long>().ToArray();
            Assert.True(perGroup.Max() - perGroup.Min() <= 1, $"zeros per group differ by more than one: {string.Join(", ", perGroup)}");
            // Within a group the smallest magnitudes go: every kept weight is at least as large as every zeroed one.
            var magnitudes = original.abs().view(groups, -1);
            var zeroRows = zero.view(groups, -1);
            for (long g = 0; g < groups; g++)
            {
                var row = magnitudes[g];
                var rowZero = zeroRows[g];
                if (!rowZero.any().item<bool>() || rowZero.all().item<bool>()) continue;
                Assert.True(row.masked_select(rowZero).max().item<float>() <= row.masked_select(rowZero.logical_not()).min().item<float>());
            }
        }
        var after = Snapshot(net);
        foreach (var (key, bytes) in before) Assert.Equal(bytes, after[key]);
    }

    [Fact]
    public void Without_balance_the_settings_key_is_unchanged()
    {
        using var net = SmallNet();
        Assert.Equal(new ThresholdCriterion().Attach(net, default).SettingsKey,
            new ThresholdCriterion().Attach(net, JsonDocument.Parse("""{"weightBalance": "none"}""").RootElement).SettingsKey);
    }

    [Fact]
    public void ActivationThresholdsFollowTheHassRule()
    {
        using var x = tensor(new float[] { -1f, 0.05f, 0.2f, 3f, 7f });
        var relu = new ActivationSite(ActivationKind.ReLU) { Threshold = 0.1 };
        Assert.Equal(new float[] { 0, 0, 0.2f, 3, 7 }, relu.call(x).data<float>().ToArray());
        var relu6 = new ActivationSite(ActivationKind.ReLU6) { Threshold = 0.1 };
        Assert.Equal(new float[] { 0, 0, 0.2f, 3, 6 }, relu6.call(x).data<float>().ToArray()); // keeps the clip at 6
        // Hardswish is negative on (−3, 0): the magnitude of the output decides (hs(−1) = −1/3).
        var hs = new ActivationSite(ActivationKind.Hardswish) { Threshold = 0.4 };
        Assert.Equal(new float[] { 0, 0, 0, 3, 7 }, hs.call(x).data<float>().ToArray());
        hs.Threshold = 0.3;
        Assert.Equal(-1f / 3f, hs.call(x).data<float>()[0], 5);
        Assert.Throws<InvalidOperationException>(() => new ActivationSite(ActivationKind.Hardsigmoid) { Threshold = 0.1 });
    }

    [Fact]
    public void BadParametersAndSettingsGiveClearErrors()
    {
        using var net = SmallNet();
        var session = new ThresholdCriterion().Attach(net, default);
        var outOfRange = ModelPoint(session.SearchSpace, ("w:conv1", 5.0));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => session.Apply(outOfRange));
        Assert.Contains("w:conv1", e.Message);
        var unknown = new ParameterSet(new Dictionary<string, double>(session.SearchSpace.Defaults().Values) { ["w:nope"] = 0 });
        Assert.Contains("w:nope", Assert.Throws<ArgumentException>(() => session.Apply(unknown)).Message);
        Assert.All(net.ActivationNodes, n => Assert.Equal(0, n.Site.Threshold)); // nothing left applied
        var bad = JsonDocument.Parse("""{"weightMode":"percent"}""").RootElement;
        Assert.Contains("weightMode", Assert.Throws<ArgumentException>(() => new ThresholdCriterion().Attach(net, bad)).Message);
    }

    private static ParameterSet ModelPoint(SearchSpace space, params (string Name, double Value)[] values)
    {
        var d = space.Defaults().Values.ToDictionary();
        foreach (var (n, v) in values) d[n] = v;
        return new ParameterSet(d);
    }
}

/// <summary>The criteria check their settings without a network.</summary>
public class ThresholdSettingsValidationTests
{
    private static IReadOnlyList<SettingProblem> Problems(string settings) =>
        new ThresholdCriterion().ValidateSettings(JsonDocument.Parse(settings).RootElement);

    [Theory]
    [InlineData("""{"weightMod": "relative"}""", "weightMod")]
    [InlineData("""{"weightMode": "percent"}""", "weightMode")]
    [InlineData("""{"weightMax": "big"}""", "weightMax")]
    [InlineData("""{"weightMax": -1}""", "weightMax")]
    [InlineData("""{"activationMax": 0}""", "activationMax")]
    [InlineData("""{"activationMax": 1e999}""", "activationMax")]
    [InlineData("""{"hardswish": true}""", "hardswish")]
    [InlineData("""{"pruneLinear": "no"}""", "pruneLinear")]
    [InlineData("""{"biasCorrection": "yes"}""", "biasCorrection")]
    [InlineData("""{"scaleCorrection": 1}""", "scaleCorrection")]
    [InlineData("""{"weightReconstruction": "yes"}""", "weightReconstruction")]
    [InlineData("""{"weightBalance": "channel"}""", "weightBalance")]
    public void A_bad_setting_is_named(string settings, string key) =>
        Assert.Equal(key, Assert.Single(Problems(settings)).Key);

    [Fact]
    public void Valid_settings_and_defaults_have_no_problems()
    {
        Assert.Empty(Problems("""{"weightMode": "absolute", "weightMax": 0.1, "activationMax": 2, "hardswish": "magnitude", "pruneLinear": false, "biasCorrection": true, "scaleCorrection": true, "weightReconstruction": true, "weightBalance": "kernel"}"""));
        Assert.Empty(Problems("{}"));
        Assert.Empty(new UniformCriterion().ValidateSettings(default));
    }
}
