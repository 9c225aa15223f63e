using Hass.Abstractions;
using Hass.Search.Sensitivity;
using Hass.Search.Strategies;
using Hass.Search.Tpe;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Search;

/// <summary>Creates one kind of strategy; registered under its public name.</summary>
public sealed class StrategyFactory(string name, string description, Func<ISearchStrategy> create, bool multiObjective = false, bool uniformBaseline = false)
    : ISearchStrategyFactory, ISettingsValidator
{
    public string Name { get; } = name;
    public string Description { get; } = description;
    public bool MultiObjective { get; } = multiObjective;
    public bool UniformBaseline { get; } = uniformBaseline;
    public ISearchStrategy Create() => create();

    public IReadOnlyList<SettingProblem> ValidateSettings(System.Text.Json.JsonElement settings) =>
        create() is Core.StrategyBase strategy ? strategy.ProbeSettings(settings) : [];
}

/// <summary>Entry type of the Hass.Search plugin: registers tpe, random, uniform, greedy, anneal, nsga2 and sensitivity.</summary>
public sealed class SearchPlugin : IHassPlugin
{
    public static IReadOnlyList<StrategyFactory> Factories { get; } =
    [
        new("tpe", "HASS-TPE: Optuna-grade tree-structured Parzen estimator (constraints, pruned trials, constant liar, multivariate, MOTPE-style)", () => new TpeStrategy(), multiObjective: true),
        new("random", "Uniform random search (log-uniform on log dimensions)", () => new RandomStrategy()),
        new("uniform", "Non-hardware-aware baseline: one global weight and one global activation threshold, bisected for accuracy only", () => new UniformStrategy(), uniformBaseline: true),
        new("greedy", "HASS-greedy: stepwise thresholds, least accuracy lost per throughput gained, last feasible state kept", () => new GreedyStrategy()),
        new("anneal", "Simulated annealing in the unit cube, feasibility-preserving, seeded", () => new AnnealStrategy()),
        new("nsga2", "NSGA-II multi-objective genetic search with constrained domination (e.g. accuracy vs throughput)", () => new Nsga2Strategy(), multiObjective: true),
        new("sensitivity", "HASS-aware: per-layer sensitivity sweep, then tpe on the space narrowed to each layer's limit, starting from the sweep's ceiling", () => new SensitivityStrategy()),
    ];

    public static StrategyFactory Factory(string name) =>
        Factories.FirstOrDefault(f => f.Name == name)
        ?? throw new ArgumentException($"unknown search strategy '{name}'; known strategies are {string.Join(", ", Factories.Select(f => f.Name))}");

    public void ConfigureServices(IServiceCollection services)
    {
        foreach (var factory in Factories)
            services.AddHassComponent<ISearchStrategyFactory>(ComponentKind.Search, factory);
    }
}
