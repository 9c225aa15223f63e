using Hass.Cli;
using Xunit.Abstractions;

namespace Hass.IntegrationTests.BadInput;

/// <summary>
/// The bad-input suite: each area adds its own file of cases beside this one (one [Theory] per file, cases from
/// a static TheoryData), checked by <see cref="BadInputRunner"/>.
/// </summary>
public class GeneralBadInputTests(ITestOutputHelper output)
{
    public static TheoryData<BadInputCase> Cases => new()
    {
        new("missing campaign file", ["run", "{dir}/nope.json"], ExitCodes.InvalidInput, ["nope.json"]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_refused_cleanly(BadInputCase c) => BadInputRunner.Check(c, output);
}
