using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Sensitivity;
using Hass.Search.Strategies;

namespace Hass.Search.Tests;

/// <summary>The additive model of the sweep's smoothed drops, and the local moves it steers (synthetic HASS-like problem, deterministic).</summary>
public class AdditiveDropModelTests
{
    private const double Target = 0.5; // the local search's target: tolerance 1 − localMargin 0.5
    private static readonly HassLikeProblem Smoothed = new(layers: 5, smoothedShare: 0.8);
    private static readonly HassLikeProblem Counted = new(layers: 5);

    private static List<Driver.Step> Run(HassLikeProblem problem, int budget, string settings) =>
        Driver.Run(Driver.Create("sensitivity", problem.Space, 0, budget, settings), problem.Outcome, budget);

    private static double? OverTarget(TrialOutcome o) => o.Metrics![AccuracyGuard.AccuracyDropKey] - Target;

    private const int SweepAndRayTrials = 3 * 10 + 5; // 10 threshold dimensions, 3 probes each, then 5 along the ray

    private static (ThresholdScale Scale, List<TrialOutcome> History) SweepAndRay(HassLikeProblem problem, int budget = 40, string localShare = "0")
    {
        var codec = new SpaceCodec(problem.Space, "sensitivity");
        var steps = Run(problem, budget, $$"""{"sweepDepth": 3, "rayDepth": 5, "localShare": {{localShare}}, "localModel": false}""");
        return (new ThresholdScale(codec), steps.Select(s => s.Outcome).ToList());
    }

    [Fact]
    public void From_the_sweep_and_the_ray_alone_the_model_predicts_how_far_the_later_trials_pass_the_target()
    {
        var (scale, history) = SweepAndRay(Smoothed, budget: 120, localShare: "0.5");
        var model = AdditiveDropModel.Fit(scale, history.Take(SweepAndRayTrials).ToList(), OverTarget)!;
        Assert.NotNull(model);
        var later = history.Skip(SweepAndRayTrials).ToList();
        var errors = later.Select(o => model.OverTarget(d => scale.FractionOf(d, o.Parameters)) - OverTarget(o)!.Value).ToList();
        var spread = later.Select(o => OverTarget(o)!.Value).ToList();
        Assert.True(errors.Average(Math.Abs) < 0.1 * spread.Average(v => Math.Abs(v - spread.Average())),
            $"mean absolute error {errors.Average(Math.Abs):F3} points, against a spread of {spread.Average(v => Math.Abs(v - spread.Average())):F3}");
    }

    [Fact]
    public void Without_smoothed_drops_or_before_enough_multi_threshold_trials_there_is_no_model()
    {
        var (scale, counted) = SweepAndRay(Counted);
        Assert.Null(AdditiveDropModel.Fit(scale, counted, OverTarget));
        var (_, smoothed) = SweepAndRay(Smoothed);
        Assert.NotNull(AdditiveDropModel.Fit(scale, smoothed.Take(SweepAndRayTrials).ToList(), OverTarget));
        var sweepOnly = smoothed.Take(SweepAndRayTrials - 5 + AdditiveDropModel.MinimumTrials - 1).ToList();
        Assert.Null(AdditiveDropModel.Fit(scale, sweepOnly, OverTarget));
    }

    [Fact]
    public void Steered_local_moves_land_within_the_target_more_often_and_find_a_faster_design_than_undirected_ones()
    {
        static (double WithinShare, double Best) Measure(string settings)
        {
            var steps = Run(Smoothed, 120, settings);
            var moves = steps.Where(s => s.Suggestion.Origin == BottleneckSearch.Origin).Select(s => s.Outcome).ToList();
            var within = moves.Count(o => o.Metrics![AccuracyGuard.AccuracyDropKey] <= Target);
            var best = steps.Select(s => s.Outcome).Where(o => o.Metrics![AccuracyGuard.AccuracyDropKey] <= Target).Max(o => o.Values[0]);
            return ((double)within / moves.Count, best);
        }
        var steered = Measure("""{"localModel": true}""");
        var undirected = Measure("""{"localModel": false}""");
        Assert.True(steered.WithinShare > undirected.WithinShare, $"within the target: steered {steered.WithinShare:P0}, undirected {undirected.WithinShare:P0}");
        Assert.True(steered.Best >= undirected.Best, $"best: steered {steered.Best:F3}, undirected {undirected.Best:F3}");
    }

    [Fact]
    public void Without_smoothed_drops_the_local_moves_are_those_of_the_undirected_search()
    {
        var modelOn = Run(Counted, 80, """{"localModel": true}""").Select(s => s.Suggestion.Parameters.QuantisedKey());
        var modelOff = Run(Counted, 80, """{"localModel": false}""").Select(s => s.Suggestion.Parameters.QuantisedKey());
        Assert.Equal(modelOff, modelOn);
    }

    [Fact]
    public void The_model_steers_only_when_asked()
    {
        var byDefault = Run(Smoothed, 80, "{}").Select(s => s.Suggestion.Parameters.QuantisedKey());
        var modelOff = Run(Smoothed, 80, """{"localModel": false}""").Select(s => s.Suggestion.Parameters.QuantisedKey());
        var modelOn = Run(Smoothed, 80, """{"localModel": true}""").Select(s => s.Suggestion.Parameters.QuantisedKey());
        Assert.Equal(modelOff, byDefault);
        Assert.NotEqual(modelOff, modelOn);
    }
}
