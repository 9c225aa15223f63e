using Hass.Abstractions;
using Hass.Engine.Boards;
using Hass.Engine.Campaigns;
using Hass.Engine.Plugins;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hass.Distributed;

/// <summary>How `hass worker` ended, for its exit code.</summary>
public sealed class WorkerOutcome
{
    public Exception? Error { get; set; }
}

/// <summary>`hass worker` in the invocation's generic host: loads the campaign's evaluator, then runs the <see cref="WorkerRunner"/> until stopped.</summary>
public sealed class WorkerHostedService(IOptions<CampaignSpec> campaign, ClusterSettings settings, HassComponents components, BoardLibrary boards,
    WorkerOutcome outcome, IHostApplicationLifetime lifetime, ILogger<WorkerHostedService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        ITrialEvaluator? evaluator = null;
        try
        {
            var spec = campaign.Value;
            var board = boards.Get(spec.Board);
            logger.LogInformation("evaluator: loading model '{Model}'", spec.Model);
            evaluator = components.EvaluatorFor(spec.Model, spec.Evaluator).Create(spec.ToEvaluatorSpec(), new Progress<string>(m => logger.LogInformation("{Message}", m)));
            var pipeline = new WorkerPipeline(evaluator, spec, board, components.Backend(spec.Backend.Name));
            var runner = new WorkerRunner(settings, pipeline, WorkerIdentity.Of(evaluator, components, board), logger);
            await runner.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Stopping (Ctrl-C, SIGTERM) ends whatever call was under way: that is an interruption, not a failure.
            outcome.Error = stoppingToken.IsCancellationRequested ? new OperationCanceledException(stoppingToken) : e;
        }
        finally
        {
            evaluator?.Dispose();
            lifetime.StopApplication();
        }
    }
}
