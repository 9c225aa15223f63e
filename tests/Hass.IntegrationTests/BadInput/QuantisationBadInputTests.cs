using Hass.Cli;
using Xunit.Abstractions;

namespace Hass.IntegrationTests.BadInput;

/// <summary>Bit widths: only 8 or 16, in the quantisation section, on the command line of hass design.</summary>
public class QuantisationBadInputTests(ITestOutputHelper output)
{
    /// <summary>examples/synthetic.json with <paramref name="insert"/> added after its name, as {dir}/c.json.</summary>
    private static BadInputCase Campaign(string name, string insert, params string[] message) =>
        new(name, ["run", "{dir}/c.json"], ExitCodes.InvalidInput, message)
        {
            Setup = dir => File.WriteAllText(Path.Combine(dir, "c.json"),
                File.ReadAllText(HassProcess.SyntheticCampaign).Replace("\"name\": \"synthetic\",", "\"name\": \"synthetic\", " + insert)),
        };

    public static TheoryData<BadInputCase> Cases => new()
    {
        Campaign("quantisation: 12-bit activations", "\"quantisation\": { \"activationBits\": 12 },", "$.quantisation.activationBits", "8 or 16"),
        Campaign("quantisation: unknown member", "\"quantisation\": { \"bits\": 8 },", "$.quantisation", "bits"),
        Campaign("quantisation: widths in backend.options", "\"quantisation\": { \"weightBits\": 8 },",
            "quantisation section") with
        {
            Setup = dir => File.WriteAllText(Path.Combine(dir, "c.json"), File.ReadAllText(HassProcess.SyntheticCampaign)
                .Replace("\"resourceAllocation\": 0.9", "\"resourceAllocation\": 0.9, \"dataBits\": 8")),
        },
        new("design --data-bits 12", ["design", "--model", "fmnist-vgg", "--board", "zedboard", "--data-bits", "12"], ExitCodes.InvalidInput, ["--data-bits", "8 or 16"]) { Synthetic = false },
        new("design --weight-bits four", ["design", "--model", "fmnist-vgg", "--board", "zedboard", "--weight-bits", "four"], ExitCodes.InvalidInput, ["--weight-bits"]) { Synthetic = false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_bit_widths_are_refused_cleanly(BadInputCase c) => BadInputRunner.Check(c, output);
}
