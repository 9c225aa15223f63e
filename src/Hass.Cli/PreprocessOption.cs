using System.CommandLine;
using Hass.Abstractions;

namespace Hass.Cli;

/// <summary>`--preprocess mean=M,std=S[,range=R][,resize=N]`: a wrong value is refused at parse time (exit 2) naming the part.</summary>
public static class PreprocessOption
{
    public static Option<PreprocessSpec?> Create(string description) => new("--preprocess")
    {
        Description = $"{description}: {PreprocessSpec.Syntax}",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0) return null;
            try
            {
                return PreprocessSpec.Parse(result.Tokens[^1].Value);
            }
            catch (FormatException e)
            {
                result.AddError($"--preprocess: {e.Message}");
                return null;
            }
        },
    };
}
