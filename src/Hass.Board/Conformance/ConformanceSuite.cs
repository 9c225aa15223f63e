using Hass.Board.Links;
using System.Text;
using Hass.Abstractions;
using Hass.Board.Protocol;

namespace Hass.Board.Conformance;

/// <summary>One check of the kit: its group (a protocol area), what it checks, and how.</summary>
public sealed record ConformanceCheck(string Group, string Name, Func<ConformanceContext, CancellationToken, Task> Run);

/// <summary>The outcome of one check; <see cref="Detail"/> says what the board did when it failed.</summary>
public sealed record ConformanceResult(string Group, string Name, bool Passed, string Detail);

/// <param name="NotRun">Checks of the kit not run because it was interrupted (0 for a whole run).</param>
public sealed record ConformanceReport(BoardInfo Board, IReadOnlyList<ConformanceResult> Results, int NotRun = 0)
{
    public bool AllPassed => Results.All(r => r.Passed);
    public IEnumerable<ConformanceResult> Failures => Results.Where(r => !r.Passed);

    /// <summary>One line per check ("PASS group  name" or "FAIL group  name: what happened"), then a summary line.</summary>
    public string Table()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"board {Board.BoardName} ({Board.Part}), firmware {Board.Firmware}, protocol v{Board.ProtocolVersion}");
        foreach (var r in Results)
            sb.AppendLine($"{(r.Passed ? "PASS" : "FAIL")}  {r.Group,-9} {r.Name}{(r.Passed ? "" : ": " + r.Detail)}");
        sb.AppendLine($"{Results.Count(r => r.Passed)} of {Results.Count} checks passed{(NotRun > 0 ? $"; {NotRun} not run (interrupted)" : "")}");
        return sb.ToString();
    }
}

/// <summary>The kit was cancelled during <see cref="Check"/>; <see cref="Report"/> holds the checks that ran before it.</summary>
public sealed class ConformanceInterruptedException(ConformanceReport report, ConformanceCheck check, Exception inner, CancellationToken token)
    : OperationCanceledException($"the conformance kit was interrupted during the check {check.Group} {check.Name}", inner, token)
{
    public ConformanceReport Report { get; } = report;
    public ConformanceCheck Check { get; } = check;
}

/// <summary>
/// The conformance kit for board firmware (`hass board selftest LINK`): runs every check of the protocol
/// (boards/PROTOCOL.md) against a board endpoint, in an order where each group leaves the board in a known state.
/// The board must accept the kit's one-convolution test design (see <see cref="TestDesign"/>).
/// </summary>
public static class ConformanceSuite
{
    public static IReadOnlyList<ConformanceCheck> Checks { get; } =
    [
        .. FramingChecks.All, .. ResetChecks.First, .. TransferChecks.All, .. DesignChecks.All,
        .. SequenceChecks.All, .. RunChecks.All, .. ResetChecks.Last,
    ];

    /// <summary>
    /// Runs the kit. A board that cannot be reached or does not answer HELLO throws <see cref="BoardLinkException"/>;
    /// cancelled during a check, it throws <see cref="ConformanceInterruptedException"/> with the checks done so far.
    /// </summary>
    public static async Task<ConformanceReport> RunAsync(string address, BoardLinks links, TimeSpan? replyTimeout = null, CancellationToken cancellationToken = default)
    {
        var timeout = replyTimeout ?? TimeSpan.FromSeconds(2);
        var link = await ConformanceLink.OpenAsync(address, links, timeout, cancellationToken).ConfigureAwait(false);
        try
        {
            var context = new ConformanceContext(link, await HelloAsync(link, address, cancellationToken).ConfigureAwait(false));
            var results = new List<ConformanceResult>();
            foreach (var check in Checks)
            {
                try { results.Add(await RunOneAsync(check, context, cancellationToken).ConfigureAwait(false)); }
                catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
                {
                    throw new ConformanceInterruptedException(new ConformanceReport(context.Info, results, Checks.Count - results.Count), check, e, cancellationToken);
                }
                context.Link.Discard();
            }
            return new ConformanceReport(context.Info, results);
        }
        finally
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<BoardInfo> HelloAsync(ConformanceLink link, string address, CancellationToken ct)
    {
        var reply = await link.ExchangeAsync(FrameType.Hello, new HelloRequest(FrameCodec.Version, "hass board selftest").Encode(), ct).ConfigureAwait(false);
        if (reply is null || reply.Type != FrameType.Info)
            throw new BoardLinkException($"board at {address} did not answer HELLO with INFO ({(reply is null ? "no reply" : ConformanceContext.Describe(reply))}); check the link and the board");
        try { return BoardInfo.Decode(reply.Payload); }
        catch (ProtocolException e) { throw new BoardLinkException($"board at {address} answered HELLO with a malformed INFO: {e.Message}"); }
    }

    private static async Task<ConformanceResult> RunOneAsync(ConformanceCheck check, ConformanceContext context, CancellationToken ct)
    {
        try
        {
            await check.Run(context, ct).ConfigureAwait(false);
            var stray = context.Link.Stray;
            return stray.Count == 0
                ? new ConformanceResult(check.Group, check.Name, true, "")
                : new ConformanceResult(check.Group, check.Name, false, $"the board sent {stray.Count} unrequested frame(s), first {stray[0]}");
        }
        catch (Exception e) when (e is ConformanceFailure or ProtocolException or BoardLinkException or IOException or TimeoutException)
        {
            return new ConformanceResult(check.Group, check.Name, false, e.Message);
        }
    }
}
