using System.CommandLine;

namespace Hass.Cli;

/// <summary>
/// Options whose values are file or folder paths. An empty value names no file, and .NET refuses it deep inside a
/// command without naming the option, so it is refused at parse time (exit 2) with one line naming the option.
/// </summary>
public static class PathOptions
{
    /// <summary>Refuses an empty value of <paramref name="option"/>; returns the option, to be used where it is declared.</summary>
    public static TOption ForPaths<TOption>(this TOption option) where TOption : Option
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Any(t => t.Value.Length == 0))
                result.AddError($"{option.Name}: the path is empty; give a file or folder, or leave the option out");
        });
        return option;
    }

    /// <summary>An empty path from the environment (<c>HASS_STORE=</c>) counts as not set, as it does for every HASS variable.</summary>
    public static string? FromEnvironment(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : null;
}
