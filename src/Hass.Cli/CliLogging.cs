using Microsoft.Extensions.Logging;

namespace Hass.Cli;

/// <summary>
/// `hass`'s log output: information lines as they are on standard output, warnings as "warning: …" and errors as
/// "error: …" on standard error; debug and trace are dropped. Written synchronously to the writers of this
/// invocation, so log lines stay in order with the command's own output (tables, summaries) and in-process
/// callers (the tests) capture them — Microsoft's console logger writes to System.Console from a background queue.
/// </summary>
internal sealed class CliLoggerProvider(Action<string> info, TextWriter error) : ILoggerProvider
{
    private readonly object _gate = new();

    public ILogger CreateLogger(string categoryName) => new CliLogger(this, categoryName.StartsWith("Microsoft.", StringComparison.Ordinal));

    public void Dispose() { }

    internal void Write(LogLevel level, string message)
    {
        lock (_gate)
        {
            switch (level)
            {
                case LogLevel.Information: info(message); break;
                case LogLevel.Warning: error.WriteLine("warning: " + message); break;
                case >= LogLevel.Error and < LogLevel.None: error.WriteLine("error: " + message); break;
            }
        }
    }

    private sealed class CliLogger(CliLoggerProvider provider, bool framework) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        /// <summary>The host's own information lines (lifetime, content root) are not `hass` output.</summary>
        public bool IsEnabled(LogLevel logLevel) => logLevel >= (framework ? LogLevel.Warning : LogLevel.Information) && logLevel < LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) provider.Write(logLevel, formatter(state, exception));
        }
    }
}
