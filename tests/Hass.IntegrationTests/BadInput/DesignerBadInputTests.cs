using Hass.Cli;
using Xunit.Abstractions;

namespace Hass.IntegrationTests.BadInput;

/// <summary>
/// A campaign resumed after its board file's figures changed: its stored designs and the new ones would come from two
/// cost models, so `hass run` refuses it before it writes anything (the backend's version is covered in Hass.Engine.Tests).
/// </summary>
public class DesignerBadInputTests(ITestOutputHelper output)
{
    private static string[] Run(int trials) =>
    [
        "run", HassProcess.SyntheticCampaign, "--trials", $"{trials}", "--no-builtin-plugins", "--no-builtin-boards",
        "--plugins", HassProcess.SyntheticPlugin, "--boards", "{dir}/boards", "--store", "{dir}/hass.db",
    ];

    /// <summary>A board folder with the fixture board, a finished 2-trial campaign designed on it, then the board file edited.</summary>
    private static Action<string> StoredThenEdited(Func<string, string> edit) => dir =>
    {
        var boards = Directory.CreateDirectory(Path.Combine(dir, "boards")).FullName;
        var board = Path.Combine(boards, "toy-board.json");
        File.Copy(Path.Combine(HassProcess.FixtureBoards, "toy-board.json"), board);
        var (code, _, err) = HassProcess.RunIn(dir, TimeSpan.FromMinutes(2), [.. Run(2).Select(a => a.Replace("{dir}", dir))]);
        if (code != 0) throw new InvalidOperationException("setup run failed: " + err);
        File.WriteAllText(board, edit(File.ReadAllText(board)));
    };

    public static TheoryData<BadInputCase> Cases => new()
    {
        new("run resumed after the board's DSP count changed", Run(4), ExitCodes.InvalidInput,
            ["board: 'toy-board' has other figures now (dsp: 220 → 440)", "holds 2 designs", "--name"])
            { Synthetic = false, Setup = StoredThenEdited(j => j.Replace("\"dsp\": 220", "\"dsp\": 440")) },
        new("run of a finished campaign after the board's clock changed", Run(2), ExitCodes.InvalidInput,
            ["board: 'toy-board' has other figures now (clockMhz: 100 → 200)", "undo the change"])
            { Synthetic = false, Setup = StoredThenEdited(j => j.Replace("\"clockMhz\": 100", "\"clockMhz\": 200")) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_refused_cleanly(BadInputCase c) => BadInputRunner.Check(c, output);
}
