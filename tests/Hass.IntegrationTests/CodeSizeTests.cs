namespace Hass.IntegrationTests;

/// <summary>
/// The size rule of the repository (CONTRIBUTING.md): no class in src/ or plugins/ over
/// <see cref="CodeSize.MaxClassLines"/> lines, no method, constructor, local function or accessor over
/// <see cref="CodeSize.MaxMethodLines"/> lines. A long declaration is split by responsibility, not allowed here.
/// </summary>
public class CodeSizeTests
{
    [Fact]
    public void No_class_or_method_in_src_or_plugins_is_over_the_limit()
    {
        var violations = CodeSize.CheckFolders(HassProcess.RepoRoot, "src", "plugins").ToList();
        Assert.True(violations.Count == 0,
            $"{violations.Count} declaration(s) over the size limit; split them by responsibility:\n" + string.Join("\n", violations));
    }

    /// <summary>A method of exactly <paramref name="lines"/> lines: header, braces and lines − 3 statements.</summary>
    private static string Method(string name, int lines) =>
        $"    void {name}()\n    {{\n{string.Join("\n", Enumerable.Range(0, lines - 3).Select(i => $"        int v{i} = {i};"))}\n    }}";

    [Fact]
    public void The_checker_counts_the_lines_of_each_declaration()
    {
        var source = $$"""
            class Small
            {
            {{Method("AtTheLimit", CodeSize.MaxMethodLines)}}
            {{Method("OneOver", CodeSize.MaxMethodLines + 1)}}
                int P { get { return 1; } }
            }
            """;
        var violation = Assert.Single(CodeSize.Check("x.cs", source));
        Assert.Equal(("method", "OneOver", CodeSize.MaxMethodLines + 1), (violation.Kind, violation.Name, violation.Lines));
        Assert.Equal(3 + CodeSize.MaxMethodLines, violation.Line);
    }

    [Fact]
    public void The_checker_sees_long_classes_local_functions_and_accessors()
    {
        var body = string.Join("\n", Enumerable.Range(0, CodeSize.MaxMethodLines).Select(i => $"x += {i};"));
        var fields = string.Join("\n", Enumerable.Range(0, CodeSize.MaxClassLines).Select(i => $"int f{i};"));
        var source = $$"""
            record Big
            {
            {{fields}}
                int P { get { int x = 0;
            {{body}}
                return x; } }
                void M() { void Local() {
            {{body}}
                } }
            }
            """;
        var kinds = CodeSize.Check("x.cs", source).Select(v => (v.Kind, v.Name)).ToList();
        // M holds the long local function, so both are over the limit.
        Assert.Equal([("record", "Big"), ("accessor", "P.get"), ("method", "M"), ("local function", "Local")], kinds);
    }
}
