using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Running;
using Hass.Engine.Running.Pipeline;

namespace Hass.Engine.Tests;

/// <summary>final.predictSearchDrop: a trial's search-split drop predicted from its smoothed drop by a line over the earlier trials.</summary>
public class PredictedSearchDropTests
{
    private const double Tolerance = 1.0;
    private static readonly Objective Objective = new(new ObjectiveSpec { ToleranceTop1 = Tolerance });

    private static TrialRecord Trial(int number, double smoothed, double counted, TrialState state = TrialState.Complete) => new()
    {
        Campaign = "c", Number = number, State = state, Parameters = new ParameterSet(new Dictionary<string, double> { ["w:conv"] = number }),
        SmoothedDrop = smoothed, ConstraintViolation = counted - Tolerance, Feasible = counted <= Tolerance,
    };

    /// <summary><paramref name="count"/> trials on counted = 0.2 + 0.5 × smoothed, smoothed 0.1 … (spread up to 3).</summary>
    private static List<TrialRecord> OnTheLine(int count) =>
        Enumerable.Range(0, count).Select(i => Trial(i, 0.1 + 2.9 * i / (count - 1), 0.2 + 0.5 * (0.1 + 2.9 * i / (count - 1)))).ToList();

    [Fact]
    public void The_line_through_trials_on_a_line_is_that_line()
    {
        var line = PredictedSearchDrop.Line(OnTheLine(PredictedSearchDrop.MinimumTrials), Objective)!.Value;
        Assert.Equal(0.2, line.Intercept, 9);
        Assert.Equal(0.5, line.Slope, 9);
    }

    [Fact]
    public void Too_few_trials_a_flat_line_or_only_far_trials_give_no_line()
    {
        Assert.Null(PredictedSearchDrop.Line(OnTheLine(PredictedSearchDrop.MinimumTrials - 1), Objective));
        var flat = Enumerable.Range(0, 30).Select(i => Trial(i, i * 0.1, 0.5)).ToList();
        Assert.Null(PredictedSearchDrop.Line(flat, Objective));
        // Counted drops beyond twice the tolerance and unfinished trials are left out of the fit.
        var far = Enumerable.Range(0, 30).Select(i => Trial(i, i * 0.1, 2.5 + i * 0.1)).ToList();
        Assert.Null(PredictedSearchDrop.Line(far, Objective));
        var pruned = OnTheLine(30).Select(t => t with { State = TrialState.Pruned }).ToList();
        Assert.Null(PredictedSearchDrop.Line(pruned, Objective));
    }

    [Fact]
    public void A_trial_already_predicted_enters_the_line_with_its_counted_drop()
    {
        var previous = OnTheLine(PredictedSearchDrop.MinimumTrials).Select(t => t with { CountedDrop = t.ConstraintViolation + Tolerance, ConstraintViolation = -0.9 }).ToList();
        var line = PredictedSearchDrop.Line(previous, Objective)!.Value;
        Assert.Equal(0.5, line.Slope, 9);
    }

    [Fact]
    public async Task The_stage_replaces_the_search_drop_by_the_prediction_and_keeps_the_count()
    {
        var objective = new Objective(new ObjectiveSpec { ToleranceTop1 = Tolerance });
        // Counted 1.5 (infeasible by the count); smoothed 1.0 predicts 0.2 + 0.5 = 0.7 (feasible).
        var work = new TrialWork(Trial(99, 1.0, 1.5), new EvaluationRequest { Split = "search" }, OnTheLine(PredictedSearchDrop.MinimumTrials));
        await new PredictDropStage(objective).RunAsync(work, default);
        Assert.Equal(1.5, work.Record.CountedDrop!.Value, 9);
        Assert.Equal(0.7 - Tolerance, work.Record.ConstraintViolation, 9);
        Assert.True(work.Record.Feasible);
    }

    [Fact]
    public async Task Without_a_smoothed_drop_or_enough_earlier_trials_the_stage_keeps_the_count()
    {
        var objective = new Objective(new ObjectiveSpec { ToleranceTop1 = Tolerance });
        var early = new TrialWork(Trial(99, 1.0, 1.5), new EvaluationRequest { Split = "search" }, OnTheLine(5));
        await new PredictDropStage(objective).RunAsync(early, default);
        Assert.Null(early.Record.CountedDrop);
        Assert.Equal(0.5, early.Record.ConstraintViolation, 9);
        var unsmoothed = new TrialWork(Trial(99, 1.0, 1.5) with { SmoothedDrop = null }, new EvaluationRequest { Split = "search" }, OnTheLine(30));
        await new PredictDropStage(objective).RunAsync(unsmoothed, default);
        Assert.Null(unsmoothed.Record.CountedDrop);
        Assert.False(unsmoothed.Record.Feasible);
    }
}
