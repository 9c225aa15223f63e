using Hass.Abstractions;

namespace Hass.Engine.Running;

/// <summary>
/// The paper's second comparison: the same pruned network (the HASS pick) on the non-dataflow sparse baseline,
/// `systolic-sparse`, on the same board. Throughput only: the design differs, the network and its accuracy do not.
/// </summary>
public static class NonDataflowRow
{
    public const string Backend = "systolic-sparse";
    public const string Label = "hass on " + Backend;

    /// <summary>The row, or null when the campaign already uses that backend or it is not loaded.</summary>
    public static FinalRow? Build(FinalRow hass, SparsityProfile profile, NetworkGraph graph, FinalBackends backends, BoardSpec board,
                                  DesignOptions options, double denseThroughput, CancellationToken ct)
    {
        if (hass.Backend == Backend || backends.Find(Backend) is not { } systolic) return null;
        var design = systolic.Optimize(graph, profile, board, options, ct);
        var throughput = design.Performance.ThroughputImagesPerSecond;
        return hass with
        {
            Label = Label, Throughput = throughput, ThroughputFidelity = Fidelity.Analytical, Dsp = design.Resources.Dsp,
            GopsPerDsp = design.Performance.GopPerSecondPerDsp, Backend = Backend,
            SpeedupOverDense = throughput / denseThroughput, SpeedupOverUniform = null, Note = null,
        };
    }
}
