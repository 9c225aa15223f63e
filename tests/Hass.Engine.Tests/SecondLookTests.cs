using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Running;
using static Hass.Engine.Tests.IncumbentConfirmationTests;

namespace Hass.Engine.Tests;

/// <summary>
/// final.secondLookImages: a trial whose search-split drop lies within final.secondLookBand of the tolerance is scored again on images
/// of the confirmation split between the confirmations' part and the final pick's, and judged by the drop pooled over both. The
/// synthetic evaluator's confirmation split sees 1.5 × the search split's drop.
/// </summary>
public class SecondLookTests
{
    private static readonly Objective Objective = new(new ObjectiveSpec { Metric = ObjectiveMetric.Throughput, ToleranceTop1 = 1.0 });

    private static TrialRecord Scored(double drop, int images = 2000) => new()
    {
        Campaign = "c", Number = 1, State = TrialState.Running, Parameters = new ParameterSet(new Dictionary<string, double>()),
        Accuracy = 90 - drop, AccuracyImages = images, ConstraintViolation = Objective.Violation(drop), Feasible = drop <= 1,
    };

    [Theory]
    [InlineData(0.5, true)]
    [InlineData(1.5, true)]
    [InlineData(0.49, false)]
    [InlineData(1.51, false)]
    public void Only_a_drop_within_the_band_of_the_tolerance_gets_a_second_look(double drop, bool wanted) =>
        Assert.Equal(wanted, new SecondLook(Objective, 4000, 2000, 92.0, 0.5).Wants(Scored(drop)));

    [Fact]
    public void The_band_lies_around_the_drop_the_strategy_would_be_told()
    {
        var look = new SecondLook(Objective, 4000, 2000, 92.0, 0.4);
        Assert.False(look.Wants(Scored(0.4)));
        Assert.True(look.Wants(Scored(0.4), offset: 0.3));   // told 0.7
        Assert.False(look.Wants(Scored(1.3), offset: 0.3));  // told 1.6
    }

    [Fact]
    public void A_trial_stopped_early_gets_no_second_look() =>
        Assert.False(new SecondLook(Objective, 4000, 2000, 92.0, 0.5).Wants(Scored(1.0) with { State = TrialState.Pruned }));

    [Fact]
    public void The_pooled_drop_weighs_each_image_set_by_its_images_and_keeps_the_search_count()
    {
        var look = new SecondLook(Objective, 4000, 1000, 92.0, 0.5);
        Assert.Equal("confirmation:range-4000-1000", look.Request.Split);
        Assert.Equal(92.0, look.Request.BaselineTop1);
        Assert.False(look.Request.Profile);
        // 0.9 on 2,000 search images passes; 1.5 on 1,000 more images makes the pooled drop 1.1: infeasible.
        var judged = look.Apply(Scored(0.9), new EvaluationOutcome { Top1 = 90.5, Images = 1000 });
        Assert.Equal(0.9, judged.CountedDrop!.Value, 9);
        Assert.Equal(1.5, judged.SecondLookDrop!.Value, 9);
        Assert.Equal(0.1, judged.ConstraintViolation, 9);
        Assert.False(judged.Feasible);
        // The other way: 1.2 on the search split, 0.0 on the second look: pooled 0.8, feasible.
        var cleared = look.Apply(Scored(1.2), new EvaluationOutcome { Top1 = 92.0, Images = 1000 });
        Assert.Equal(-0.2, cleared.ConstraintViolation, 9);
        Assert.True(cleared.Feasible);
    }

    [Fact]
    public async Task Trials_near_the_tolerance_are_judged_and_told_by_the_pooled_drop_and_the_others_by_the_search_split()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var recording = await Run(db, Spec(40, final: "{ \"confirmIncumbents\": true, \"incumbentImages\": 100, \"secondLookImages\": 100, \"secondLookBand\": 0.4 }"));
        var trials = Trials(db).Where(t => t.State == TrialState.Complete).ToList();
        foreach (var t in trials)
        {
            var drop = Drop(t);
            var told = recording.Told.Single(o => o.Parameters.QuantisedKey() == t.Parameters.QuantisedKey());
            if (Math.Abs(drop - 1) > 0.4)
            {
                Assert.Null(t.SecondLookDrop);
                Assert.Equal(drop - 1, t.ConstraintViolation, 9);
                continue;
            }
            Assert.Equal(Scale * drop, t.SecondLookDrop!.Value, 9);
            Assert.Equal(drop, t.CountedDrop!.Value, 9);
            var pooled = (drop * t.AccuracyImages + Scale * drop * 100) / (t.AccuracyImages + 100);
            Assert.Equal(pooled - 1, t.ConstraintViolation, tolerance: 1e-8);   // both drops are stored rounded to 9 decimals
            Assert.Equal(pooled <= 1 + 1e-9, t.Feasible);
            if (!t.Confirmed()) Assert.Equal(t.ConstraintViolation, told.ConstraintViolation, 9);
        }
        Assert.Contains(trials, t => t.SecondLookDrop is not null);
        Assert.Contains(trials, t => t.SecondLookDrop is null);
    }

    [Fact]
    public async Task With_calibrateSearchDrop_the_band_lies_around_the_calibrated_drop()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(db, Spec(40, final: "{ \"confirmIncumbents\": true, \"calibrateSearchDrop\": true, \"incumbentImages\": 100, \"secondLookImages\": 100, \"secondLookBand\": 0.3 }"));
        var trials = Trials(db).Where(t => t.State == TrialState.Complete).ToList();
        foreach (var t in trials)
            Assert.Equal(Math.Abs(Drop(t) - 1 + t.SearchDropOffset!.Value) <= 0.3, t.SecondLookDrop is not null);
        Assert.Contains(trials, t => t.SecondLookDrop is not null && t.SearchDropOffset > 0);
    }

    [Fact]
    public async Task Without_confirmed_incumbents_there_is_no_second_look()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(db, Spec(20, final: "{ \"secondLookImages\": 100, \"secondLookBand\": 10 }"));
        Assert.All(Trials(db), t => Assert.Null(t.SecondLookDrop));
    }
}
