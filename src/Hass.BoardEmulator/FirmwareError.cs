using Hass.Board.Protocol;

namespace Hass.BoardEmulator;

/// <summary>A request the firmware refuses: answered with an ERROR frame carrying <see cref="Code"/>.</summary>
internal sealed class FirmwareError(ErrorCode code, string message) : Exception(message)
{
    public ErrorCode Code { get; } = code;
}
