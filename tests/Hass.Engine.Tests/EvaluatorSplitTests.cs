using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Plugins;
using Hass.Engine.Running;
using Hass.Engine.Storage;

namespace Hass.Engine.Tests;

/// <summary>
/// How the engine learns which splits an evaluator has (<see cref="ITrialEvaluator.HasSplit"/>) rather than from an exception: an
/// evaluator written before it (the default answer) keeps its whole confirmation split but is never asked for its parts, and one that
/// claims a split and then throws ArgumentException on it is a fault naming it.
/// </summary>
public class EvaluatorSplitTests
{
    private const string Who = "evaluator 'legacy' (plugin P)";

    /// <summary>The synthetic evaluator with a confirmation split of 500 images, unchecked, for the campaign of <paramref name="spec"/>.</summary>
    private static (IDisposable Provider, ITrialEvaluator Evaluator) Synthetic(CampaignSpec spec)
    {
        var (provider, components) = TestEnvironment.SyntheticComponents();
        return (provider, ((CheckedEvaluator)components.EvaluatorFor(spec.Model).Create(spec.ToEvaluatorSpec())).Inner);
    }

    [Fact]
    public void An_evaluator_that_does_not_say_which_splits_it_has_runs_without_confirmed_incumbents_and_confirms_on_the_whole_split()
    {
        var spec = IncumbentConfirmationTests.Spec(10);
        var (provider, synthetic) = Synthetic(spec);
        using var _ = provider;
        var legacy = new PartlessEvaluator(synthetic);
        using var evaluator = new CheckedEvaluator(legacy, Who);
        using var store = HassStore.Open(Path.Combine(TestEnvironment.TempDir(), "hass.db"));
        var warnings = new List<string>();

        Assert.Null(IncumbentConfirmation.For(spec, new Objective(spec.Objective), store, evaluator, warnings.Add, default));
        Assert.Equal(["final.confirmIncumbents: the evaluator has no 'confirmation:first-250' split; the search runs without confirmed incumbents"], warnings);
        Assert.Empty(legacy.Splits);

        var info = new List<string>();
        var picks = FinalPicks.Choose(spec, store, new Objective(spec.Objective), evaluator, info.Add, default);
        Assert.Equal(500, picks.ConfirmationImages);
        Assert.Equal(["confirmation"], legacy.Splits);
    }

    [Fact]
    public void An_evaluator_that_claims_a_split_and_throws_ArgumentException_on_it_is_a_fault_naming_it()
    {
        var spec = IncumbentConfirmationTests.Spec(10);
        var (provider, synthetic) = Synthetic(spec);
        using var _ = provider;
        using var evaluator = new CheckedEvaluator(new PartClaimingEvaluator(synthetic), Who);
        using var store = HassStore.Open(Path.Combine(TestEnvironment.TempDir(), "hass.db"));

        var fault = Assert.Throws<PluginFaultException>(() => IncumbentConfirmation.For(spec, new Objective(spec.Objective), store, evaluator, _ => { }, default));
        Assert.StartsWith(Who + " threw ArgumentException in Evaluate: unknown split 'confirmation:first-250';", fault.Message);
        Assert.IsType<ArgumentException>(fault.InnerException);
    }

    [Fact]
    public void The_synthetic_evaluator_has_the_parts_of_its_confirmation_split_and_their_mirrors()
    {
        var (provider, synthetic) = Synthetic(IncumbentConfirmationTests.Spec(10));
        using var _ = provider;
        Assert.True(synthetic.HasSplit(ConfirmationParts.First(250)));
        Assert.True(synthetic.HasSplit(MirroredSplits.Of(ConfirmationParts.Range(250, 100))));
        Assert.False(synthetic.HasSplit(ConfirmationParts.First(500)));
        var (plainProvider, plain) = Synthetic(IncumbentConfirmationTests.Spec(10, confirmSplit: false));
        using var __ = plainProvider;
        Assert.True(plain.HasSplit("test+mirrors"));
        Assert.False(plain.HasSplit("confirmation"));
    }

    /// <summary>
    /// An evaluator written before <see cref="ITrialEvaluator.HasSplit"/> (its default answer) that knows its whole confirmation split but
    /// not its parts, refusing them as such evaluators did; keeps the split names it was asked for.
    /// </summary>
    private class PartlessEvaluator(ITrialEvaluator inner) : ITrialEvaluator
    {
        public List<string> Splits { get; } = [];
        public NetworkGraph Graph => inner.Graph;
        public string Fingerprint => inner.Fingerprint;
        public SearchSpace SearchSpace => inner.SearchSpace;
        public int ConfirmationImages => inner.ConfirmationImages;

        public EvaluationOutcome Evaluate(ParameterSet parameters, EvaluationRequest request, CancellationToken cancellationToken = default)
        {
            Splits.Add(request.Split);
            if (request.Split.StartsWith("confirmation:", StringComparison.Ordinal)) throw new ArgumentException($"unknown split '{request.Split}'");
            return inner.Evaluate(parameters, request, cancellationToken);
        }

        public DeployableNetwork Export(ParameterSet parameters) => inner.Export(parameters);
        public float[] CalibrationImages(int count) => inner.CalibrationImages(count);
        public void Dispose() => inner.Dispose();
    }

    /// <summary>The same evaluator, saying it has every split.</summary>
    private sealed class PartClaimingEvaluator(ITrialEvaluator inner) : PartlessEvaluator(inner), ITrialEvaluator
    {
        bool ITrialEvaluator.HasSplit(string split) => true;
    }
}
