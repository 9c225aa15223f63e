using Hass.Abstractions;
using Hass.Engine.Boards;
using Hass.Engine.Plugins;
using Hass.Engine.Running;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hass.Engine.Campaigns;

/// <summary>The file a campaign was read from (named in validation messages and stored with the campaign).</summary>
public sealed record CampaignSource(string Path);

public static class CampaignServiceCollectionExtensions
{
    /// <summary>
    /// Binds <paramref name="spec"/> (read from <paramref name="path"/>, overrides applied) as <c>IOptions&lt;CampaignSpec&gt;</c>,
    /// validated on first use by <see cref="CampaignSpecValidator"/> against the loaded components and boards.
    /// </summary>
    public static IServiceCollection AddCampaign(this IServiceCollection services, CampaignSpec spec, string path)
    {
        services.AddSingleton(new CampaignSource(path));
        services.AddOptions<CampaignSpec>();
        services.AddSingleton<IValidateOptions<CampaignSpec>, CampaignSpecValidator>();
        services.AddSingleton<IOptionsFactory<CampaignSpec>>(provider => new CampaignOptionsFactory(spec,
            provider.GetServices<IConfigureOptions<CampaignSpec>>(), provider.GetServices<IPostConfigureOptions<CampaignSpec>>(),
            provider.GetServices<IValidateOptions<CampaignSpec>>()));
        return services;
    }
}

/// <summary>The options factory whose instance is the campaign as read (a record with init-only members, not built by configuration binding).</summary>
internal sealed class CampaignOptionsFactory(CampaignSpec spec, IEnumerable<IConfigureOptions<CampaignSpec>> setups,
    IEnumerable<IPostConfigureOptions<CampaignSpec>> postConfigures, IEnumerable<IValidateOptions<CampaignSpec>> validations)
    : OptionsFactory<CampaignSpec>(setups, postConfigures, validations)
{
    protected override CampaignSpec CreateInstance(string name) => spec;
}

/// <summary>
/// Today's campaign checks against what is loaded (<see cref="CampaignLoader.Validate"/>: component names, boards,
/// each component's settings, a measurer for a measure section) plus the final phase's needs, as one failure
/// listing every problem in the campaign file's message format.
/// </summary>
public sealed class CampaignSpecValidator(HassComponents components, BoardLibrary boards, CampaignSource source, IEnumerable<IDesignMeasurer> measurers)
    : IValidateOptions<CampaignSpec>
{
    public ValidateOptionsResult Validate(string? name, CampaignSpec options)
    {
        var problems = new List<string>();
        try { CampaignLoader.Validate(options, source.Path, components, boards, measurers.LastOrDefault()); }
        catch (CampaignException e) { problems.AddRange(e.Problems); }
        if (options.Final is { Enabled: true, UniformBaselineTrials: > 0 } && components.UniformBaselineStrategy() is null)
            problems.Add("$.final.uniformBaselineTrials: no loaded strategy is a uniform baseline (Hass.Search's 'uniform' is); load it or set 0");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(new CampaignException(source.Path, problems).Message);
    }
}
