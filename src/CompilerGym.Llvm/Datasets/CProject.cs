using System.CommandLine.Parsing;
using System.Text.Json;
using CompilerGym.Core.Benchmarks;
using CompilerGym.Core.Caching;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Llvm.Datasets;

/// <summary>One C file to compile: its folder, its path as the build gives it, and the flags that shape its code.</summary>
public sealed record CompileUnit(string Directory, string File, IReadOnlyList<string> Flags);

/// <summary>
/// A C program in several files — every <c>.c</c> file under a folder, or the C entries of a
/// <c>compile_commands.json</c> — compiled one by one with the project's unoptimized flags and
/// linked into one module with llvm-link-22.
/// </summary>
public static class CProject
{
    // Of a build's flags, these decide what the code is; optimization, warning and output flags do not.
    private static readonly string[] s_keptWithValue = ["-I", "-D", "-U", "-include", "-isystem", "-iquote"];

    public static IReadOnlyList<CompileUnit> FromDirectory(string directory)
    {
        var files = Directory.GetFiles(directory, "*.c", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new UnknownBenchmarkException($"{directory}: no .c files in this folder");
        return [.. files.Select(f => new CompileUnit(directory, Path.GetRelativePath(directory, f), ["-I", "."]))];
    }

    public static IReadOnlyList<CompileUnit> FromCompileCommands(string path)
    {
        JsonElement[] entries;
        try { entries = JsonSerializer.Deserialize<JsonElement[]>(File.ReadAllText(path)) ?? []; }
        catch (JsonException e) { throw new UnknownBenchmarkException($"{path}: not a compilation database: {e.Message}"); }

        var units = new List<CompileUnit>();
        foreach (var entry in entries)
        {
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("directory", out var dir) || dir.ValueKind != JsonValueKind.String
                || !entry.TryGetProperty("file", out var file) || file.ValueKind != JsonValueKind.String)
                throw new UnknownBenchmarkException($"{path}: every entry needs the strings 'directory' and 'file'");
            string source = file.GetString()!;
            if (!source.EndsWith(".c", StringComparison.Ordinal)) continue;
            IEnumerable<string> arguments = entry.TryGetProperty("arguments", out var args) && args.ValueKind == JsonValueKind.Array
                    ? args.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString()! : a.ToString())
                : entry.TryGetProperty("command", out var command) && command.ValueKind == JsonValueKind.String ? CommandLineParser.SplitCommandLine(command.GetString()!)
                : throw new UnknownBenchmarkException($"{path}: entry for {source} has neither 'arguments' nor 'command'");
            units.Add(new CompileUnit(dir.GetString()!, source, CodeFlags(arguments.Skip(1).ToList())));
        }
        if (units.Count == 0) throw new UnknownBenchmarkException($"{path}: no C files in this compilation database");
        return units;
    }

    /// <summary>Compiles the units for a target (null: the default) and links them (cached by their content and flags); returns the bitcode path.</summary>
    public static string Build(string name, IReadOnlyList<CompileUnit> units, string? target)
    {
        string key = Cache.Hash([string.Join(' ', LlvmTools.UnoptimizedIrFlagsFor(target)),
            .. units.SelectMany(u => new[] { u.Directory, u.File, string.Join(' ', u.Flags), File.ReadAllText(Path.Combine(u.Directory, u.File)) })]);
        return Cache.GetOrCreate(Path.Combine(Cache.PrivateFolder, "project", $"{name}-{key}.bc"), output =>
        {
            string dir = Directory.CreateTempSubdirectory("cgym-project-").FullName;
            try
            {
                var objects = units.Select((u, i) =>
                {
                    string bc = Path.Combine(dir, $"{i}.bc");
                    LlvmTools.CompileC(u.File, bc, target, u.Flags, u.Directory);
                    return bc;
                }).ToList();
                LlvmTools.LinkBitcode(objects, output);
            }
            finally { Directory.Delete(dir, recursive: true); }
        });
    }

    private static List<string> CodeFlags(List<string> arguments)
    {
        var kept = new List<string>();
        for (int i = 0; i < arguments.Count; i++)
        {
            string a = arguments[i];
            if (s_keptWithValue.Contains(a) && i + 1 < arguments.Count) kept.AddRange([a, arguments[++i]]);
            else if (s_keptWithValue.Any(p => a.StartsWith(p, StringComparison.Ordinal)) || a.StartsWith("-std=", StringComparison.Ordinal)) kept.Add(a);
        }
        return kept;
    }
}
