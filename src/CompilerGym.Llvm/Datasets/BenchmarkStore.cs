using System.Collections.Concurrent;
using CompilerGym.Core.Benchmarks;
using CompilerGym.Core.Caching;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Datasets.Debian;
using CompilerGym.Llvm.Execution;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Llvm.Datasets;

/// <summary>
/// Resolves benchmark URIs to loaded benchmarks: dataset benchmarks, generated programs and files
/// (<c>.c</c>, <c>.ll</c>, <c>.bc</c>), each for the target its URI names (see
/// <see cref="LlvmBenchmark.TargetParameter"/>). Loaded benchmarks, and so their baselines, are
/// shared by every session of the process. A user's file or folder with a <c>main</c> function is runnable,
/// without arguments unless <see cref="SetRunSpec"/> says otherwise.
/// </summary>
public sealed class BenchmarkStore
{
    private readonly Dictionary<string, IDataset> _datasets;
    private readonly Dictionary<string, Generator> _generators;
    private readonly ConcurrentDictionary<string, Lazy<LlvmBenchmark>> _loaded = new();
    private readonly ConcurrentDictionary<string, RunSpec> _runSpecs = new();

    public static BenchmarkStore Default { get; } = new([new BuiltinDataset(), new DebianDataset()], [new CsmithGenerator(), new LlvmStressGenerator()]);

    public BenchmarkStore(IEnumerable<IDataset> datasets, IEnumerable<Generator> generators)
    {
        _datasets = datasets.ToDictionary(d => d.Name);
        _generators = generators.ToDictionary(g => g.Name);
    }

    public IReadOnlyCollection<IDataset> Datasets => _datasets.Values;
    public IReadOnlyCollection<Generator> Generators => _generators.Values;

    /// <summary>The benchmark for a URI (or a bare dataset/name, or a path); throws UnknownBenchmarkException or LlvmException.</summary>
    public LlvmBenchmark Get(string uriText)
    {
        BenchmarkUri uri;
        try { uri = BenchmarkUri.Parse(uriText); }
        catch (FormatException e) { throw new UnknownBenchmarkException(e.Message); }
        (uri, string? target) = SplitTarget(uri);

        string key = LlvmBenchmark.UriFor(uri.Scheme == "file" ? FileKey(uri.Name) : uri.ToString(), target);
        var lazy = _loaded.GetOrAdd(key, _ => new Lazy<LlvmBenchmark>(() => Load(uri, target), LazyThreadSafetyMode.ExecutionAndPublication));
        try { return lazy.Value; }
        catch
        {
            _loaded.TryRemove(key, out _); // a failure (a missing file, say) must not stick
            throw;
        }
    }

    /// <summary>
    /// How to run a user's program (a <c>file://</c> benchmark: a C, IR or bitcode file, a folder
    /// or a compile_commands.json): its arguments, inputs, link flags and limits. It applies from
    /// the next <see cref="Get"/> on.
    /// </summary>
    public void SetRunSpec(string uriText, RunSpec spec)
    {
        var uri = BenchmarkUri.Parse(uriText);
        if (uri.Scheme != "file") throw new ArgumentException($"{uriText}: only a user's file benchmark takes a run spec; datasets say how their programs run");
        spec.Check();
        _runSpecs[uri.Name] = spec;
        _loaded.TryRemove(FileKey(uri.Name), out _);
    }

    /// <summary>
    /// The URI with its target parameter taken off, and the target's normalized triple (null for the
    /// default target, however it is spelled, so that both name one benchmark).
    /// </summary>
    public static (BenchmarkUri Uri, string? Target) SplitTarget(BenchmarkUri uri)
    {
        int question = uri.Name.IndexOf('?');
        if (question < 0) return (uri, null);
        string query = uri.Name[(question + 1)..], prefix = LlvmBenchmark.TargetParameter + "=";
        if (!query.StartsWith(prefix, StringComparison.Ordinal) || query.Contains('&'))
            throw new UnknownBenchmarkException($"{uri}: the one parameter an LLVM benchmark takes is ?{prefix}TRIPLE");
        string target = TargetMachine.Normalize(query[prefix.Length..]);
        return (uri with { Name = uri.Name[..question] }, target == TargetMachine.DefaultTriple ? null : target);
    }

    private LlvmBenchmark Load(BenchmarkUri uri, string? target)
    {
        switch (uri.Scheme)
        {
            case "benchmark" when _datasets.TryGetValue(uri.Dataset, out var dataset):
                return dataset.Load(uri.Name, target);
            case "benchmark":
                throw new UnknownBenchmarkException($"unknown dataset '{uri.Dataset}' in {uri} (known: {string.Join(", ", _datasets.Keys)})");
            case "generator" when _generators.TryGetValue(uri.Dataset, out var generator):
                return generator.Load(uri.Name, target);
            case "generator":
                throw new UnknownBenchmarkException($"unknown generator '{uri.Dataset}' in {uri} (known: {string.Join(", ", _generators.Keys)})");
            default:
                return LoadFile(uri.Name, target);
        }
    }

    private LlvmBenchmark LoadFile(string path, string? target)
    {
        string uri = $"file://{path}";
        string name = Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(path));
        var runSpec = _runSpecs.GetValueOrDefault(path) ?? new RunSpec();
        if (Directory.Exists(path))
            return new LlvmBenchmark(uri, CProject.Build(name, CProject.FromDirectory(path), target), $"C files under {path}", runSpec, target);
        if (!File.Exists(path)) throw new UnknownBenchmarkException($"no such file: {path}");
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".json":
                var units = CProject.FromCompileCommands(path);
                return new LlvmBenchmark(uri, CProject.Build(Path.GetFileName(Path.GetDirectoryName(path)) ?? "project", units, target),
                    $"{units.Count} C files of {Path.GetFileName(path)}", runSpec, target);
            case ".bc" or ".ll" or ".c":
                return LoadProgramFile(uri, path, runSpec, target, headerFolder: Path.GetDirectoryName(path));
            default:
                throw new UnknownBenchmarkException($"{path}: expected a .c, .ll or .bc file, a folder of C files or a compile_commands.json");
        }
    }

    /// <summary>
    /// A benchmark from one .bc, .ll or .c file (C is compiled to unoptimized IR for the target,
    /// cached by content and target); runnable only with a run spec (programs uploaded to a server
    /// get none: running a client's code there would need more isolation than resource limits).
    /// C may read the system's headers and those under <paramref name="headerFolder"/>, no other file
    /// (see <see cref="LlvmTools.CheckReads"/>).
    /// </summary>
    public static LlvmBenchmark LoadProgramFile(string uri, string path, RunSpec? runSpec = null, string? target = null, string? headerFolder = null)
    {
        if (Path.GetExtension(path).ToLowerInvariant() != ".c")
            return new LlvmBenchmark(uri, path, $"LLVM module {Path.GetFileName(path)}", runSpec, target);
        string hash = Cache.Hash(File.ReadAllText(path), path, string.Join(' ', LlvmTools.UnoptimizedIrFlagsFor(target)));
        string bitcode = Cache.GetOrCreate(Path.Combine(Cache.PrivateFolder, "file", $"{Path.GetFileNameWithoutExtension(path)}-{hash}.bc"),
            output =>
            {
                LlvmTools.CheckReads(path, target, headerFolder);
                LlvmTools.CompileC(path, output, target);
            });
        return new LlvmBenchmark(uri, bitcode, $"C file {Path.GetFileName(path)}", runSpec, target);
    }

    // A changed file, or a folder with a changed file, is a new benchmark.
    private static string FileKey(string path)
    {
        if (Directory.Exists(path))
            return $"file://{path}@{Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Select(f => File.GetLastWriteTimeUtc(f).Ticks).DefaultIfEmpty().Max()}";
        var info = new FileInfo(path);
        return info.Exists ? $"file://{path}@{info.LastWriteTimeUtc.Ticks}:{info.Length}" : $"file://{path}";
    }
}
