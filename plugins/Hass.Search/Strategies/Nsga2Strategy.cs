using Hass.Abstractions;
using Hass.Search.Core;

namespace Hass.Search.Strategies;

/// <summary>
/// NSGA-II (Deb et al. 2002) in generations of populationSize trials: survivors by constrained non-dominated
/// sorting (feasible before infeasible; infeasible by violation) and crowding distance, parents by binary
/// tournament, simulated binary crossover and polynomial mutation in the unit cube (categoricals: uniform
/// crossover and resampling). Meant for several objectives (e.g. accuracy and throughput); with one objective
/// it is a constrained genetic algorithm. Every told trial (warm starts included) competes for survival.
/// </summary>
public sealed class Nsga2Strategy() : BatchStrategy("nsga2")
{
    private int _population;
    private double _crossoverProbability, _etaCrossover, _etaMutation, _mutationProbability;
    private bool _scaledStart;
    private List<Scored> _parents = [];
    private readonly List<Scored> _arrivals = [];

    public IReadOnlyList<Scored> Parents => _parents;

    protected override void Configure()
    {
        var s = ReadSettings<Nsga2Settings>();
        // Small populations and exploratory operators: HASS budgets allow only a few generations.
        _population = s.PopulationSize ?? (Context.TrialBudget is { } budget ? Math.Clamp(budget / 10, 8, 50) : 20);
        _crossoverProbability = s.CrossoverProbability;
        _etaCrossover = s.CrossoverEta;
        _etaMutation = s.MutationEta;
        _mutationProbability = s.MutationProbability ?? 1.0 / Codec.Count;
        _scaledStart = s.Initialization == Initialization.Scaled;
    }

    protected override void OnTold(TrialOutcome outcome, ParameterSet? asked)
    {
        if (Scored.From(outcome, Codec, Directions) is { } s) _arrivals.Add(s);
    }

    protected override IReadOnlyList<BatchItem> PlanBatch()
    {
        var generation = BatchIndex;
        _parents = Survivors([.. _parents, .. _arrivals]);
        _arrivals.Clear();
        var batch = new List<BatchItem>(_population);
        if (_parents.Count < 2)
        {
            // Too few told points to breed from: (another) random population.
            for (var i = 0; i < _population; i++)
            {
                var rng0 = Rng.For(Seed, generation, i);
                batch.Add(new BatchItem(_scaledStart ? Codec.SampleScaled(rng0) : Codec.SampleUniform(rng0), $"nsga2:gen{generation}:random"));
            }
            return batch;
        }
        var rng = Rng.For(Seed, generation, -1);
        while (batch.Count < _population)
        {
            var a = Tournament(rng);
            var b = Tournament(rng);
            var (c1, c2) = Crossover(_parents[a].Unit, _parents[b].Unit, rng);
            foreach (var child in new[] { c1, c2 })
                if (batch.Count < _population)
                {
                    Mutate(child, rng);
                    batch.Add(new BatchItem(Codec.FromUnit(child), $"nsga2:gen{generation}"));
                }
        }
        return batch;
    }

    /// <summary>The best populationSize points: feasible by (rank, crowding), then infeasible by violation.</summary>
    private List<Scored> Survivors(List<Scored> pool)
    {
        var feasible = pool.Where(p => p.Feasible).ToList();
        var chosen = Ranking.SelectBest(feasible.Select(p => p.Losses!).ToList(), _population).Select(i => feasible[i]).ToList();
        chosen.AddRange(pool.Where(p => !p.Feasible).OrderBy(p => p.Violation).ThenBy(p => p.Number).Take(_population - chosen.Count));
        return chosen;
    }

    /// <summary>Binary tournament on the survivors' order (which is best-first).</summary>
    private int Tournament(Rng rng) => Math.Min(rng.NextInt(_parents.Count), rng.NextInt(_parents.Count));

    private (double[], double[]) Crossover(double[] p1, double[] p2, Rng rng)
    {
        var c1 = (double[])p1.Clone();
        var c2 = (double[])p2.Clone();
        if (rng.NextDouble() >= _crossoverProbability) return (c1, c2);
        for (var d = 0; d < c1.Length; d++)
        {
            if (rng.NextDouble() >= 0.5) continue;
            if (Codec.Dimensions[d].Kind == DimensionKind.Categorical) { (c1[d], c2[d]) = (c2[d], c1[d]); continue; }
            // Simulated binary crossover (unbounded form, reflected into the cube).
            var u = rng.NextDouble();
            var beta = u <= 0.5 ? Math.Pow(2 * u, 1 / (_etaCrossover + 1)) : Math.Pow(1 / (2 * (1 - u)), 1 / (_etaCrossover + 1));
            var x1 = p1[d];
            var x2 = p2[d];
            c1[d] = UnitMoves.Reflect(0.5 * ((1 + beta) * x1 + (1 - beta) * x2));
            c2[d] = UnitMoves.Reflect(0.5 * ((1 - beta) * x1 + (1 + beta) * x2));
        }
        return (c1, c2);
    }

    private void Mutate(double[] x, Rng rng)
    {
        for (var d = 0; d < x.Length; d++)
        {
            if (rng.NextDouble() >= _mutationProbability) continue;
            var dim = Codec.Dimensions[d];
            if (dim.Kind == DimensionKind.Categorical) { x[d] = UnitMoves.OtherChoice(x[d], dim.Choices.Count, rng); continue; }
            // Polynomial mutation on [0, 1].
            var u = rng.NextDouble();
            var delta = u < 0.5 ? Math.Pow(2 * u, 1 / (_etaMutation + 1)) - 1 : 1 - Math.Pow(2 * (1 - u), 1 / (_etaMutation + 1));
            x[d] = UnitMoves.Reflect(x[d] + delta);
        }
    }
}
