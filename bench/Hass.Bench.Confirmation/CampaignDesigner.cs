using Hass.Abstractions;
using Hass.Backends.Dataflow;
using Hass.Engine.Boards;
using Hass.Engine.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Bench.Confirmation;

/// <summary>The DSE of a stored campaign, as `hass run` runs it: its backend (the dataflow plugin's), board and design options.</summary>
public sealed class CampaignDesigner(CampaignSpec spec, NetworkGraph graph)
{
    private static readonly Lazy<IReadOnlyDictionary<string, IAcceleratorBackend>> Backends = new(() =>
    {
        var services = new ServiceCollection();
        new DataflowPlugin().ConfigureServices(services);
        using var provider = services.BuildServiceProvider();
        return provider.GetServices<IAcceleratorBackend>().ToDictionary(b => b.Name);
    });

    private readonly IAcceleratorBackend _backend = Backends.Value.TryGetValue(spec.Backend.Name, out var backend) ? backend
        : throw new InvalidOperationException($"campaign {spec.Name} uses backend '{spec.Backend.Name}'; this bench prices dataflow designs only");
    private readonly BoardSpec _board = BoardLibrary.Load([]).Get(spec.Board);

    /// <summary>The DSE's throughput for <paramref name="profile"/>, img/s.</summary>
    public double Throughput(SparsityProfile profile, CancellationToken ct) =>
        _backend.Optimize(graph, profile, _board, spec.DesignOptions with { Seed = spec.Seed }, ct).Performance.ThroughputImagesPerSecond;
}
