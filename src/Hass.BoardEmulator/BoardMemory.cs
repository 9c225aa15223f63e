using Hass.Board.Protocol;
using Hass.BoardEmulator.Engine;

namespace Hass.BoardEmulator;

/// <summary>
/// What the board holds in RAM once committed: the deployed design, the uploaded images and the last run. Every
/// member is read and written with <see cref="Gate"/> held; transfers, runs and the request handler share it.
/// </summary>
internal sealed class BoardMemory
{
    public object Gate { get; } = new();
    public EmulatedNetwork? Network { get; private set; }
    public uint DesignId { get; private set; }
    public ImageSet? Images { get; set; }
    public BoardRun? Run { get; set; }
    public uint BootId { get; private set; } = 1;
    public bool RunInProgress => Run is { Final: null };

    /// <summary>Makes <paramref name="network"/> the deployed design; returns its new design id.</summary>
    public uint Deploy(EmulatedNetwork network)
    {
        Network = network;
        return ++DesignId;
    }

    /// <summary>RESET: aborts the run and, with <paramref name="dropDesign"/>, forgets the design and the images.</summary>
    public void Reset(bool dropDesign)
    {
        Run?.Cancel.Cancel();
        if (dropDesign) { Network = null; DesignId = 0; Images = null; }
    }

    /// <summary>A power cycle: everything is forgotten and the boot id changes.</summary>
    public void Reboot()
    {
        Reset(dropDesign: true);
        Run = null;
        BootId++;
    }
}

/// <summary>One RUN: its request, its progress, and its results once it ended.</summary>
internal sealed class BoardRun
{
    public required uint Id { get; init; }
    public required uint DesignId { get; init; }
    public required RunRequest Request { get; init; }
    public volatile RunResults? Final;
    public int ImagesDone;
    public CancellationTokenSource Cancel { get; } = new();
}
