using Hass.BoardEmulator;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(EmulatorOptions.Usage);
    return 0;
}
EmulatorOptions options;
try
{
    options = EmulatorOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"hass-board-emulator: {e.Message}");
    return 2;
}
return await EmulatorHost.RunAsync(options, Console.Out, Console.Error, CancellationToken.None);
