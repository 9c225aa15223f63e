using System.Diagnostics;

namespace Hass.Engine.Running.Pipeline;

/// <summary>
/// The stages of a trial in order, each timed; a stage that finishes the trial early (an early stop) skips the
/// rest. Owns what the stages hold (its evaluator), so one pipeline runs one trial at a time.
/// </summary>
public sealed class TrialPipeline(IReadOnlyList<ITrialStage> stages, IDisposable? owned = null) : ITrialExecutor
{
    public IReadOnlyList<ITrialStage> Stages { get; } = stages;

    public async Task RunAsync(TrialWork work, CancellationToken cancellationToken)
    {
        foreach (var stage in Stages)
        {
            if (work.Finished) break;
            cancellationToken.ThrowIfCancellationRequested();
            work.Stage = stage.Name;
            var watch = Stopwatch.StartNew();
            await stage.RunAsync(work, cancellationToken).ConfigureAwait(false);
            work.StageSeconds[stage.Name] = work.StageSeconds.GetValueOrDefault(stage.Name) + watch.Elapsed.TotalSeconds;
        }
    }

    public void Dispose() => owned?.Dispose();
}
