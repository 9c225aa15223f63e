using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Hass.IntegrationTests;

/// <summary>
/// Sizes of C# declarations measured with Roslyn: the lines of a declaration's span (from its first token to its
/// last, so doc comments and attributes' leading trivia are not counted).
/// </summary>
public static class CodeSize
{
    public const int MaxClassLines = 250;
    public const int MaxMethodLines = 60;

    /// <summary>One declaration over its limit: where it is, what it is and how long.</summary>
    public sealed record Violation(string File, int Line, string Kind, string Name, int Lines, int Limit)
    {
        public override string ToString() => $"{File}:{Line}: {Kind} {Name} has {Lines} lines (limit {Limit})";
    }

    /// <summary>Every type over <see cref="MaxClassLines"/> and every method-like member over <see cref="MaxMethodLines"/> in one file.</summary>
    public static IEnumerable<Violation> Check(string displayPath, string source)
    {
        var root = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview)).GetRoot();
        foreach (var node in root.DescendantNodes())
        {
            var (kind, name, limit) = node switch
            {
                TypeDeclarationSyntax t => (t.Keyword.Text, t.Identifier.Text, MaxClassLines),
                BaseMethodDeclarationSyntax m => (MemberKind(m), MemberName(m), MaxMethodLines),
                LocalFunctionStatementSyntax f => ("local function", f.Identifier.Text, MaxMethodLines),
                AccessorDeclarationSyntax a => ("accessor", $"{PropertyName(a)}.{a.Keyword.Text}", MaxMethodLines),
                _ => default,
            };
            if (kind is null) continue;
            var span = node.GetLocation().GetLineSpan();
            int lines = span.EndLinePosition.Line - span.StartLinePosition.Line + 1;
            if (lines > limit) yield return new Violation(displayPath, span.StartLinePosition.Line + 1, kind, name, lines, limit);
        }
    }

    /// <summary>Every .cs file under <paramref name="folders"/> of <paramref name="root"/>, build output (bin/, obj/) left out.</summary>
    public static IEnumerable<Violation> CheckFolders(string root, params string[] folders) =>
        folders.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(root, path).Replace('\\', '/'))
            .Where(relative => !relative.Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .SelectMany(relative => Check(relative, File.ReadAllText(Path.Combine(root, relative))));

    private static string MemberKind(BaseMethodDeclarationSyntax member) => member switch
    {
        ConstructorDeclarationSyntax => "constructor",
        DestructorDeclarationSyntax => "finalizer",
        OperatorDeclarationSyntax or ConversionOperatorDeclarationSyntax => "operator",
        _ => "method",
    };

    private static string MemberName(BaseMethodDeclarationSyntax member) => member switch
    {
        MethodDeclarationSyntax m => m.Identifier.Text,
        ConstructorDeclarationSyntax c => c.Identifier.Text,
        DestructorDeclarationSyntax d => "~" + d.Identifier.Text,
        OperatorDeclarationSyntax o => "operator " + o.OperatorToken.Text,
        ConversionOperatorDeclarationSyntax c => "operator " + c.Type,
        _ => member.Kind().ToString(),
    };

    private static string PropertyName(AccessorDeclarationSyntax accessor) => accessor.Parent?.Parent switch
    {
        PropertyDeclarationSyntax p => p.Identifier.Text,
        EventDeclarationSyntax e => e.Identifier.Text,
        IndexerDeclarationSyntax => "this[]",
        _ => "?",
    };
}
