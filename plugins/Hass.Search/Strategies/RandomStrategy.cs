using Hass.Abstractions;
using Hass.Search.Core;

namespace Hass.Search.Strategies;

/// <summary>Independent uniform (log-uniform for Log dimensions) draws; each trial from its own (seed, number) stream.</summary>
public sealed class RandomStrategy() : StrategyBase("random")
{
    protected override void Configure() => ReadSettings<NoSettings>();

    protected override bool ReplayNeedsProposals => false;

    protected override (ParameterSet, string) Propose(int number, int proposalIndex) =>
        (Codec.SampleUniform(Rng.For(Seed, number, 0)), "random");
}
