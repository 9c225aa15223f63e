using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Running;

namespace Hass.Engine.Tests;

/// <summary>The final table's confirmed pick (final.confirmTop, final.confirmMargin): finalists re-scored on the confirmation split.</summary>
public class ConfirmedPickTests
{
    private static readonly Objective Throughput = new(new ObjectiveSpec { Metric = ObjectiveMetric.Throughput, ToleranceTop1 = 1.0 });
    private const double DenseConfirmationTop1 = 90.0;

    private static TrialRecord Trial(int number, double throughput, double searchDrop, double threshold) => new()
    {
        Campaign = "c", Number = number, State = TrialState.Complete,
        Parameters = new ParameterSet(new Dictionary<string, double> { ["w:conv"] = threshold }),
        ObjectiveValues = [throughput], ConstraintViolation = searchDrop - 1.0, Feasible = searchDrop <= 1.0, PredictedThroughput = throughput,
    };

    // Search-split drops all pass the tolerance; the confirmation split (drop by trial number) tells them apart.
    private static readonly TrialRecord[] Trials =
        [Trial(0, 100, 0.2, 0.1), Trial(1, 400, 0.9, 0.4), Trial(2, 300, 0.6, 0.3), Trial(3, 200, 0.5, 0.2), Trial(4, 500, 1.4, 0.5)];
    private static readonly Dictionary<int, double> ConfirmationDrop = new() { [0] = 0.3, [1] = 1.3, [2] = 0.8, [3] = 0.6, [4] = 2.0, [5] = 0.0, [6] = 1.0, [7] = 1.5, [8] = 0.9 };

    private static (PickResult Result, List<int> Confirmed) Choose(FinalSpec final, IEnumerable<TrialRecord>? trials = null)
    {
        var confirmed = new List<int>();
        var pick = new ConfirmedPick(Throughput, final, DenseConfirmationTop1, t =>
        {
            confirmed.Add(t.Number);
            return DenseConfirmationTop1 - ConfirmationDrop[t.Number];
        });
        return (pick.Choose("hass", trials ?? Trials), confirmed);
    }

    [Fact]
    public void The_fastest_finalist_within_tolerance_less_the_margin_on_the_confirmation_split_is_chosen()
    {
        var (result, confirmed) = Choose(new FinalSpec { ConfirmTop = 8, ConfirmMargin = 0.25 });
        Assert.Equal(3, result.Trial!.Number);                    // 1 (1.3) and 2 (0.8 > 0.75) fail; 4 is infeasible on the search split
        Assert.Equal([1, 2, 3], confirmed);                       // by throughput, stopping at the first that passes
        Assert.Equal(DenseConfirmationTop1 - 0.6, result.ConfirmationTop1!.Value, 9);
        Assert.Null(result.Note);
        Assert.Equal([false, false, true], result.Finalists.Select(f => f.Chosen));
        Assert.Equal(0.9, result.Finalists[0].SearchDrop, 9);
        Assert.Equal(1.3, result.Finalists[0].ConfirmationDrop, 9);
        Assert.All(result.Finalists, f => Assert.Equal("hass", f.Label));
    }

    [Fact]
    public void A_finalist_that_loses_exactly_the_limit_in_images_is_chosen()
    {
        // 98 of 14,000 images: 0.7 points, computed from percentages as 0.7000000000000028.
        var dense = 100.0 * 12_911 / 14_000;
        var pick = new ConfirmedPick(Throughput, new FinalSpec { ConfirmTop = 8, ConfirmMargin = 0.3 }, dense, _ => 100.0 * 12_813 / 14_000);
        var result = pick.Choose("hass", [Trial(1, 400, 0.5, 0.4)]);
        Assert.Equal(1, result.Trial!.Number);
        Assert.Equal(0.7, result.Finalists[0].ConfirmationDrop);
        Assert.Null(result.Note);
    }

    [Fact]
    public void A_smaller_margin_keeps_a_faster_finalist() =>
        Assert.Equal(2, Choose(new FinalSpec { ConfirmTop = 8, ConfirmMargin = 0.1 }).Result.Trial!.Number);

    [Fact]
    public void When_no_finalist_passes_the_one_that_lost_least_is_chosen_with_a_note()
    {
        var (result, confirmed) = Choose(new FinalSpec { ConfirmTop = 2, ConfirmMargin = 0.25 });
        Assert.Equal([1, 2], confirmed);                          // only confirmTop finalists are re-scored
        Assert.Equal(2, result.Trial!.Number);
        Assert.Contains("none of the 2 finalists stayed within 0.75 points", result.Note);
    }

    [Fact]
    public void The_pick_margin_filters_the_candidates_on_the_search_split_first()
    {
        var (result, confirmed) = Choose(new FinalSpec { ConfirmTop = 8, ConfirmMargin = 0.25, PickMargin = 0.45 });
        Assert.Equal([3], confirmed);                             // 1 (0.9) and 2 (0.6) are not candidates
        Assert.Equal(3, result.Trial!.Number);
    }

    [Fact]
    public void A_design_tried_twice_is_confirmed_once()
    {
        var (_, confirmed) = Choose(new FinalSpec { ConfirmTop = 8, ConfirmMargin = 0.25 }, [.. Trials, Trial(1, 400, 0.9, 0.4) with { Number = 1 }]);
        Assert.Equal([1, 2, 3], confirmed);
    }

    [Fact]
    public void A_finalist_must_be_more_accurate_on_the_search_split_than_every_faster_one()
    {
        var (result, confirmed) = Choose(new FinalSpec { ConfirmTop = 8, ConfirmMargin = 0.25 }, [.. Trials, Trial(5, 350, 0.95, 0.45)]);   // 5 would pass, but it is slower than 1 and no more accurate
        Assert.Equal([1, 2, 3], confirmed);
        Assert.Equal(3, result.Trial!.Number);
    }

    [Fact]
    public void No_feasible_trial_gives_no_pick() =>
        Assert.Null(Choose(new FinalSpec { ConfirmTop = 8 }, [Trials[4]]).Result.Trial);

    private static TrialRecord Confirmed(TrialRecord t, double drop) => t with { ConfirmationTop1 = DenseConfirmationTop1 - drop, ConfirmationDrop = drop, ConfirmationLimit = 0.75 };

    [Fact]
    public void The_confirmed_incumbent_is_a_finalist_even_off_the_search_split_front()
    {
        // 5 passed its confirmation during the search, but 2 (faster, more accurate on the search split) pushes it off the front.
        var (result, confirmed) = Choose(new FinalSpec { ConfirmTop = 8, ConfirmMargin = 0.25 }, [.. Trials, Confirmed(Trial(5, 250, 0.7, 0.25), 0.5)]);
        Assert.Equal([1, 2, 5], confirmed);                       // re-scored like every finalist: the final pick's half decides
        Assert.Equal(5, result.Trial!.Number);
    }

    [Fact]
    public void After_the_confirmed_incumbent_come_the_trials_more_accurate_than_it_and_every_faster_finalist()
    {
        var (result, confirmed) = Choose(new FinalSpec { ConfirmTop = 8, ConfirmMargin = 0.25 }, [.. Trials, Confirmed(Trial(6, 250, 0.7, 0.25), 0.5)]);
        Assert.Equal([1, 2, 6, 3], confirmed);                    // 6 fails the final half (1.0); 3 (search 0.5) is more accurate than 2 (0.6) and 6 (0.7)
        Assert.Equal(3, result.Trial!.Number);
    }

    [Fact]
    public void A_trial_that_failed_its_confirmation_in_the_search_is_no_finalist()
    {
        var trials = Trials.Select(t => t.Number == 1 ? Confirmed(t, 1.1) : t).ToList();
        var (result, confirmed) = Choose(new FinalSpec { ConfirmTop = 8, ConfirmMargin = 0.25 }, trials);
        Assert.Equal([2, 3], confirmed);
        Assert.Equal(3, result.Trial!.Number);
    }

    [Fact]
    public void With_a_confirmed_incumbent_up_to_confirm_top_finalists_come_before_it()
    {
        var incumbent = Confirmed(Trial(5, 150, 0.1, 0.15), 0.1);
        var (_, confirmed) = Choose(new FinalSpec { ConfirmTop = 2, ConfirmMargin = 0.25 }, [.. Trials, incumbent]);
        Assert.Equal([1, 2, 5], confirmed);                       // confirmTop of the front before it, then it
    }

    [Fact]
    public void Every_trial_confirmed_in_the_search_is_a_finalist_in_its_rank()
    {
        // 5 is the confirmed incumbent; 6 and 8 passed their confirmations earlier but sit off every front (slower, less accurate
        // on the search split than 3). When 5 and the front after it are refused, the pick is the fastest confirmed design, not 0.
        TrialRecord[] trials =
            [Trial(0, 100, 0.2, 0.1), Trial(1, 400, 0.9, 0.4), Trial(3, 200, 0.5, 0.2), Confirmed(Trial(5, 350, 0.95, 0.45), 0.5),
             Confirmed(Trial(8, 180, 0.8, 0.18), 0.5), Confirmed(Trial(6, 190, 0.7, 0.19), 0.5)];
        var drops = new Dictionary<int, double> { [0] = 0.3, [1] = 1.3, [3] = 0.9, [5] = 1.0, [6] = 0.7, [8] = 0.1 };
        var confirmed = new List<int>();
        var pick = new ConfirmedPick(Throughput, new FinalSpec { ConfirmTop = 8, ConfirmMargin = 0.25 }, DenseConfirmationTop1, t =>
        {
            confirmed.Add(t.Number);
            return DenseConfirmationTop1 - drops[t.Number];
        });
        var result = pick.Choose("hass", trials);
        Assert.Equal([1, 5, 3, 6], confirmed);                    // by rank: the front, the incumbent, 3 (more accurate than both), then 6
        Assert.Equal(6, result.Trial!.Number);
        Assert.Null(result.Note);
    }

    [Fact]
    public void Confirm_faster_gives_a_trial_the_refused_finalists_hid_its_turn()
    {
        // 5 (350, search 0.95) is hidden by 1 (400, 0.9); once 1 is refused, 5 is on the front of the unconfirmed faster trials.
        TrialRecord[] trials = [.. Trials, Trial(5, 350, 0.95, 0.45)];
        var (without, _) = Choose(new FinalSpec { ConfirmTop = 8, ConfirmMargin = 0.25 }, trials);
        Assert.Equal(3, without.Trial!.Number);
        var (result, confirmed) = Choose(new FinalSpec { ConfirmTop = 8, ConfirmMargin = 0.25, ConfirmFaster = 4 }, trials);
        Assert.Equal([1, 2, 3, 5], confirmed);                    // the finalists first, then the front of the unconfirmed trials faster than 3
        Assert.Equal(5, result.Trial!.Number);
        Assert.Null(result.Note);
        Assert.Equal([false, false, false, true], result.Finalists.Select(f => f.Chosen));
    }

    [Fact]
    public void Confirm_faster_keeps_to_its_budget_and_peels_the_fronts_of_refused_trials()
    {
        // Above the pick (3 at 200): 7 and 8 refused (hidden by 1), 5 passes but comes on a later front than 7.
        TrialRecord[] trials = [.. Trials, Trial(7, 390, 0.92, 0.41), Trial(8, 380, 0.91, 0.42), Trial(5, 350, 0.95, 0.45)];
        var (one, confirmedOne) = Choose(new FinalSpec { ConfirmTop = 8, ConfirmMargin = 0.25, ConfirmFaster = 1 }, trials);
        Assert.Equal([1, 2, 3, 7], confirmedOne);
        Assert.Equal(3, one.Trial!.Number);
        var (three, confirmedThree) = Choose(new FinalSpec { ConfirmTop = 8, ConfirmMargin = 0.25, ConfirmFaster = 3 }, trials);
        Assert.Equal([1, 2, 3, 7, 8, 5], confirmedThree);         // front {7, 8} refused, then the next front {5}
        Assert.Equal(5, three.Trial!.Number);
    }

    [Fact]
    public void Confirm_faster_also_searches_when_no_finalist_passed()
    {
        TrialRecord[] trials = [Trial(1, 400, 0.9, 0.4), Trial(6, 300, 0.95, 0.3), Trial(5, 200, 0.99, 0.2)];
        var (result, confirmed) = Choose(new FinalSpec { ConfirmTop = 1, ConfirmMargin = 0.25, ConfirmFaster = 2 }, trials);
        Assert.Equal([1, 6, 5], confirmed);                       // 1 refused; then the front of the rest: 6 (refused), then 5 passes
        Assert.Equal(5, result.Trial!.Number);
        Assert.Null(result.Note);
    }

    [Fact]
    public void Confirm_faster_within_limit_skips_trials_whose_calibrated_search_drop_is_past_the_pick_s_limit()
    {
        // Faster than the pick (3 at 200), limit 0.75: 7 (0.92) and 6 (0.62 + offset 0.2) are past it on the calibrated search drop; 5 (0.65 + 0.05) is not.
        TrialRecord[] trials = [.. Trials, Trial(7, 390, 0.92, 0.41), Trial(6, 280, 0.62, 0.35) with { SearchDropOffset = 0.2 },
            Trial(5, 250, 0.65, 0.33) with { SearchDropOffset = 0.05 }];
        var (front, confirmedFront) = Choose(new FinalSpec { ConfirmTop = 8, ConfirmMargin = 0.25, ConfirmFaster = 2 }, trials);
        Assert.Equal([1, 2, 3, 7, 6], confirmedFront);            // the front of the faster trials, both refused; 5 (hidden by 6) gets no turn
        Assert.Equal(3, front.Trial!.Number);
        var within = new FinalSpec { ConfirmTop = 8, ConfirmMargin = 0.25, ConfirmFaster = 2, ConfirmFasterCandidates = ConfirmFasterCandidates.WithinLimit };
        var (result, confirmed) = Choose(within, trials);
        Assert.Equal([1, 2, 3, 5], confirmed);
        Assert.Equal(5, result.Trial!.Number);
    }
}
