using Hass.Abstractions;

namespace Hass.Engine.Plugins;

/// <summary>
/// A loaded strategy as the engine uses it (<see cref="HassComponents.Strategy"/>): an exception it throws, or a point it asks
/// outside its search space, becomes a <see cref="PluginFaultException"/> naming the strategy and its plugin, which stops the
/// campaign (a strategy's state cannot be trusted after it broke). A point outside the space is refused before any trial is
/// stored for it. ArgumentException from Initialize (settings it refuses) passes through unchanged: that is bad input.
/// </summary>
public sealed class CheckedStrategy(ISearchStrategy inner, string who) : ISearchStrategy
{
    private SearchSpace? _space;

    public bool CanAsk => Call(() => inner.CanAsk, nameof(CanAsk));

    public void Initialize(StrategyContext context)
    {
        _space = context.Space;
        PluginFaultException.Guard(who, nameof(Initialize), () => inner.Initialize(context),
            e => e is ArgumentException or OperationCanceledException);
    }

    public TrialSuggestion Ask()
    {
        var suggestion = Call(inner.Ask, nameof(Ask));
        if (suggestion?.Parameters?.Values is null) throw PluginFaultException.Of(who, "returned no point from Ask (null)");
        if (_space?.Outside(suggestion.Parameters) is { } outside)
            throw PluginFaultException.Of(who, $"asked a point outside its search space: {outside}");
        return suggestion;
    }

    public void Tell(TrialOutcome outcome) => Call(() => inner.Tell(outcome), nameof(Tell));

    public void Enqueue(ParameterSet parameters, string origin) => Call(() => inner.Enqueue(parameters, origin), nameof(Enqueue));

    private T Call<T>(Func<T> call, string name) => PluginFaultException.Guard(who, name, call, e => e is OperationCanceledException);
    private void Call(Action call, string name) => PluginFaultException.Guard(who, name, call, e => e is OperationCanceledException);
}

/// <summary>A strategy factory whose strategies are <see cref="CheckedStrategy"/>s.</summary>
public sealed class CheckedStrategyFactory(ISearchStrategyFactory inner, string plugin) : ISearchStrategyFactory
{
    public ISearchStrategyFactory Inner => inner;
    public string Name => inner.Name;
    public string Description => inner.Description;
    public bool MultiObjective => inner.MultiObjective;
    public bool UniformBaseline => inner.UniformBaseline;

    public ISearchStrategy Create()
    {
        var who = PluginFaultException.Describe("strategy", inner.Name, plugin);
        return PluginFaultException.Guard(who, nameof(Create), () => new CheckedStrategy(inner.Create(), who), _ => false);
    }
}
