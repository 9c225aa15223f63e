using Hass.Abstractions;

namespace Hass.Testing;

/// <summary>
/// An accelerator backend for tests that need only what a DSE is asked and how fast its design is: each design has no
/// layers and the throughput <paramref name="throughput"/> gives for the board; every board and options it is given are kept.
/// It registers under <paramref name="name"/>, e.g. as the non-dataflow baseline of the final table, with <paramref name="version"/>.
/// </summary>
public sealed class RecordingBackend(Func<BoardSpec, double> throughput, string name = "recording", string version = "1") : IAcceleratorBackend
{
    public List<(BoardSpec Board, DesignOptions Options)> Calls { get; } = [];
    public string Name => name;
    public string Description => "test backend";
    public string Version => version;

    public HardwareDesign Optimize(NetworkGraph graph, SparsityProfile profile, BoardSpec board, DesignOptions options, CancellationToken cancellationToken = default)
    {
        Calls.Add((board, options));
        return new HardwareDesign
        {
            Backend = Name, BackendVersion = Version, Board = board.Name, Graph = graph.Name, Layers = [], Resources = ResourceUsage.Zero,
            Performance = new Performance { ThroughputImagesPerSecond = throughput(board) },
        };
    }

    public HardwareDesign Evaluate(NetworkGraph graph, SparsityProfile profile, BoardSpec board, IReadOnlyDictionary<string, LayerFolding> folding, DesignOptions options) =>
        throw new NotSupportedException("the recording backend only runs its DSE");
}
