using Microsoft.Extensions.Hosting;

namespace Hass.Engine.Running;

/// <summary>Holds how the hosted campaign plan ended, for the process exit code.</summary>
public sealed class CampaignOutcomeHolder
{
    public PlanResult? Result { get; set; }
    public Exception? Error { get; set; }
}

/// <summary>Runs one campaign plan as a BackgroundService of the generic host and stops the host when it ends.</summary>
public sealed class CampaignHostedService(CampaignPlan plan, CampaignOutcomeHolder holder, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            holder.Result = await plan.RunAsync(stoppingToken);
        }
        catch (Exception e)
        {
            holder.Error = e;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
