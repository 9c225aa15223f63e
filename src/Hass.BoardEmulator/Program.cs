using System.CommandLine;
using Hass.BoardEmulator;

var root = EmulatorCommandLine.Build((options, cancellationToken) => EmulatorHost.RunAsync(options, Console.Out, Console.Error, cancellationToken));
var parse = root.Parse(args);
string? problem = EmulatorCommandLine.FirstProblem(parse);
if (problem is null)
{
    try { return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }); }
    catch (ArgumentException e) { problem = e.Message; }
    catch (EmulatorSetupException e) { problem = e.Message; }
}
Console.Error.WriteLine($"hass-board-emulator: {problem}");
return 2;
