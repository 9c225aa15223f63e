using Hass.Board.Protocol;

namespace Hass.Board;

/// <summary>
/// Runs on a board that may reboot mid-measurement: when a RUN finds the board without its design (NOT_DEPLOYED or
/// NO_SUCH_RUN: its RAM state is gone), deploys again and repeats that run, at most <paramref name="restarts"/> times in all.
/// </summary>
internal sealed class RebootRecovery(int restarts, Func<Task<uint>> redeploy)
{
    private int _redeploys;

    /// <summary>The results of <paramref name="run"/> and the design id they ran under (a new one after a redeploy).</summary>
    public async Task<(RunResults Results, uint DesignId)> RunAsync(uint designId, Func<uint, Task<RunResults>> run, Action<ErrorCode> lostState)
    {
        while (true)
        {
            try
            {
                return (await run(designId).ConfigureAwait(false), designId);
            }
            catch (BoardException e) when (e.Code is ErrorCode.NotDeployed or ErrorCode.NoSuchRun && _redeploys++ < restarts)
            {
                lostState(e.Code);
                designId = await redeploy().ConfigureAwait(false);
            }
        }
    }
}
