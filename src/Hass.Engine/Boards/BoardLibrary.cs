using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Hass.Abstractions;
using Hass.Engine.Files;

namespace Hass.Engine.Boards;

/// <summary>
/// Board descriptions read from folders of *.json files (BoardSpec shape). A file that does not parse or
/// validate gives an error naming the file and the field; the other boards stay usable.
/// </summary>
public sealed class BoardLibrary
{
    public const string EnvironmentVariable = "HASS_BOARDS";
    private readonly Dictionary<string, (BoardSpec Board, string File)> _boards = new(StringComparer.Ordinal);
    private readonly List<string> _errors = [];
    private readonly List<string> _folders = [];

    public IReadOnlyList<string> Errors => _errors;
    public IReadOnlyList<string> Folders => _folders;
    public IReadOnlyList<string> Names => _boards.Keys.Order(StringComparer.Ordinal).ToList();
    public IEnumerable<(BoardSpec Board, string File)> Entries => _boards.Values.OrderBy(b => b.Board.Name, StringComparer.Ordinal);

    public static string DefaultFolder => Path.Combine(AppContext.BaseDirectory, "boards");

    /// <summary>The default library: boards/ next to the executable, HASS_BOARDS, then the given folders.</summary>
    public static BoardLibrary Load(IEnumerable<string> extraFolders, bool includeDefault = true)
    {
        var lib = new BoardLibrary();
        if (includeDefault) lib.AddFolder(DefaultFolder, required: false);
        foreach (var f in (Environment.GetEnvironmentVariable(EnvironmentVariable) ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            lib.AddFolder(f);
        foreach (var f in extraFolders) lib.AddFolder(f);
        return lib;
    }

    public void AddFolder(string folder, bool required = true)
    {
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder))
        {
            if (required) _errors.Add($"board folder '{folder}' {Files.MissingFolder.Why(folder)}; check --boards / {EnvironmentVariable}");
            return;
        }
        _folders.Add(folder);
        foreach (var file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
            AddFile(file);
    }

    public void AddFile(string file)
    {
        var problem = TryRead(file, out var board);
        if (problem is not null) { _errors.Add($"board file '{file}': {problem}"); return; }
        if (_boards.TryGetValue(board!.Name, out var existing))
        {
            _errors.Add($"board file '{file}': board '{board.Name}' is already defined in '{existing.File}'; rename one of them");
            return;
        }
        _boards[board.Name] = (board, file);
    }

    /// <summary>A board file is at most this big (the shipped ones are under 1 KiB).</summary>
    public const int MaxFileBytes = 64 << 10;

    private static string? TryRead(string file, out BoardSpec? board)
    {
        board = null;
        try { board = StrictJson.ReadConfig<BoardSpec>(file, MaxFileBytes); }
        catch (InvalidDataException e)
        {
            return e.Message.StartsWith("is ", StringComparison.Ordinal) ? e.Message : $"not a valid board description: {e.Message}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return $"cannot be read: {e.Message}"; }
        if (board.Schema > BoardSpec.SchemaVersion)
            return $"$.schema: {board.Schema} is newer than this build understands ({BoardSpec.SchemaVersion}); update hass";
        var errors = NameProblems(board.Name, file).ToList();
        return errors.Count > 0 ? string.Join("; ", errors) : null;
    }

    /// <summary>The name is the board's key on the command line and in campaigns: lower-case, and the file's name.</summary>
    private static IEnumerable<string> NameProblems(string name, string file)
    {
        if (string.IsNullOrWhiteSpace(name)) yield break;
        if (name != name.ToLowerInvariant())
            yield return $"$.name: '{StrictJson.Printable(name)}' must be lower-case";
        var fileName = Path.GetFileNameWithoutExtension(file);
        if (!string.Equals(name, fileName, StringComparison.Ordinal))
            yield return $"$.name: '{StrictJson.Printable(name)}' must equal the file name '{StrictJson.Printable(fileName)}' (rename the file to {StrictJson.Printable(name.ToLowerInvariant())}.json or change the name)";
    }

    public bool TryGet(string name, [NotNullWhen(true)] out BoardSpec? board)
    {
        board = _boards.TryGetValue(name, out var entry) ? entry.Board : null;
        return board is not null;
    }

    public BoardSpec Get(string name) => TryGet(name, out var b) ? b
        : throw new KeyNotFoundException($"unknown board '{name}'; available: {(Names.Count == 0 ? "(none)" : string.Join(", ", Names))}");
}
