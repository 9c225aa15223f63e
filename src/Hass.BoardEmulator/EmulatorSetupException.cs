namespace Hass.BoardEmulator;

/// <summary>
/// An emulator option that reads well but cannot be used when the emulator starts: a <c>--tcp</c> address it cannot
/// listen on, a <c>--serial</c> device it cannot open. The message names the option and its value; callers report it
/// as bad input (exit 2), like an option that does not parse.
/// </summary>
public sealed class EmulatorSetupException(string message, Exception inner) : Exception(message, inner);
