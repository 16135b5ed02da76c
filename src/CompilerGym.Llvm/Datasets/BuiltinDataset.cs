using CompilerGym.Core.Benchmarks;
using CompilerGym.Core.Caching;
using CompilerGym.Llvm.Execution;
using CompilerGym.Llvm.Programs;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Llvm.Datasets;

/// <summary>
/// The C programs shipped with this library (CompilerGym.Llvm.Programs/Builtin): small and
/// mid-sized kernels of the kinds cBench and MiBench hold, each with main() and a self-check, so
/// they can also be run. Compiled with clang-22 on first use and cached.
/// </summary>
public sealed class BuiltinDataset : IDataset
{
    public const string DatasetName = "builtin-v0";
    private const string ResourcePrefix = "Builtin/";
    private const string DescriptionTag = "// description:";

    public string Name => DatasetName;
    public string Description => "C programs written for this project: sorting, graph search, hashing, CRC, compression, string search, matrix and DSP kernels, ciphers, interpreters";
    public IReadOnlyList<BenchmarkInfo> Benchmarks { get; } = Discover();

    public LlvmBenchmark Load(string name, string? target = null)
    {
        string source = Source(name);
        string uri = $"benchmark://{DatasetName}/{name}";
        string flags = string.Join(' ', LlvmTools.UnoptimizedIrFlagsFor(target));
        string path = Cache.GetOrCreate(Path.Combine("benchmarks", DatasetName, $"{name}-{Cache.Hash(source, flags)}.bc"), output =>
        {
            string dir = Directory.CreateTempSubdirectory("cgym-").FullName;
            try
            {
                string file = Path.Combine(dir, name + ".c");
                File.WriteAllText(file, source);
                LlvmTools.CompileC(file, output, target);
            }
            finally { Directory.Delete(dir, recursive: true); }
        });
        // Every program runs without arguments and prints its result.
        return new LlvmBenchmark(uri, path, Benchmarks.First(b => b.Uri == uri).Description, new RunSpec(), target);
    }

    /// <summary>The C source of a built-in program.</summary>
    public static string Source(string name)
    {
        using var stream = ProgramFiles.Open(ResourcePrefix + name + ".c")
            ?? throw new UnknownBenchmarkException($"no benchmark '{name}' in dataset {DatasetName}");
        return new StreamReader(stream).ReadToEnd();
    }

    private static List<BenchmarkInfo> Discover() =>
        [.. ProgramFiles.Names
            .Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal) && r.EndsWith(".c", StringComparison.Ordinal))
            .Select(r => r[ResourcePrefix.Length..^2])
            .Order(StringComparer.Ordinal)
            .Select(name =>
            {
                string first = Source(name).Split('\n', 2)[0];
                string description = first.StartsWith(DescriptionTag, StringComparison.Ordinal) ? first[DescriptionTag.Length..].Trim() : "";
                return new BenchmarkInfo($"benchmark://{DatasetName}/{name}", description);
            })];
}
