using Hass.Board.Protocol;
using Hass.BoardEmulator.Engine;

namespace Hass.BoardEmulator;

/// <summary>RUN and RESULTS: a run executes in the background on the deployed design; RESULTS reports its progress or outcome.</summary>
internal sealed class BoardRuns(BoardMemory memory, DesignLimits limits, uint clockKHz)
{
    private uint _nextRunId = 1;

    public RunAccepted Start(RunRequest request)
    {
        if (limits.RunProblem(request, null) is { } counts) throw new FirmwareError(ErrorCode.BadPayload, counts);
        BoardRun run;
        EmulatedNetwork network;
        ImageSet? images = null;
        lock (memory.Gate)
        {
            network = memory.Network ?? throw new FirmwareError(ErrorCode.NotDeployed, "no design is deployed; deploy one first");
            if (limits.RunProblem(request, network) is { } problem) throw new FirmwareError(ErrorCode.BadPayload, problem);
            if (memory.RunInProgress) throw new FirmwareError(ErrorCode.Busy, $"run {memory.Run!.Id} is in progress");
            if (request.Source == ImageSource.Uploaded)
            {
                images = memory.Images ?? throw new FirmwareError(ErrorCode.BadPayload, "no images were uploaded; upload an image set or use generated images");
                if (images.Shape != network.InputShape)
                    throw new FirmwareError(ErrorCode.BadPayload, $"uploaded images are {images.Shape}, the design's input is {network.InputShape}");
            }
            else if (request.Source != ImageSource.Generated)
                throw new FirmwareError(ErrorCode.BadPayload, $"unknown image source {(byte)request.Source}");
            run = new BoardRun { Id = _nextRunId++, DesignId = memory.DesignId, Request = request };
            memory.Run = run;
        }
        _ = Task.Run(() => Execute(run, network, images));
        return new RunAccepted(run.Id, run.DesignId);
    }

    private void Execute(BoardRun run, EmulatedNetwork network, ImageSet? images)
    {
        try
        {
            var result = RunExecutor.Execute(network, run.Request, images, clockKHz, () => Interlocked.Increment(ref run.ImagesDone), run.Cancel.Token);
            run.Final = result with { RunId = run.Id, DesignId = run.DesignId };
        }
        catch (OperationCanceledException)
        {
            run.Final = new RunResults { RunId = run.Id, State = RunState.Failed, DesignId = run.DesignId, Message = "run aborted by RESET or reboot" };
        }
        catch (Exception e)
        {
            run.Final = new RunResults { RunId = run.Id, State = RunState.Failed, DesignId = run.DesignId, Message = e.Message };
        }
    }

    public RunResults Results(ResultsRequest request)
    {
        lock (memory.Gate)
        {
            var run = memory.Run;
            if (run is null || run.Id != request.RunId)
                throw new FirmwareError(ErrorCode.NoSuchRun, $"run {request.RunId} is not known (last run: {run?.Id ?? 0}); start a new run");
            return run.Final ?? new RunResults
            {
                RunId = run.Id, State = RunState.Running, ImagesDone = (uint)Volatile.Read(ref run.ImagesDone),
                Images = run.Request.Images, Warmup = run.Request.Warmup, ClockKHz = clockKHz, DesignId = run.DesignId,
            };
        }
    }
}
