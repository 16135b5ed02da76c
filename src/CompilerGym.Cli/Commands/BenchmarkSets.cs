using CompilerGym.Llvm.Datasets;

namespace CompilerGym.Cli.Commands;

/// <summary>
/// The benchmark sets of training and evaluation. <see cref="HeldOut"/> is the one place that
/// names the built-in programs a policy never trains on, so its evaluation there measures what
/// carries over to unseen programs.
/// </summary>
internal static class BenchmarkSets
{
    /// <summary>Six programs from 558 to 4,208 unoptimized instructions, of different kinds.</summary>
    public static readonly IReadOnlyList<string> HeldOut =
        [.. new[] { "crc32", "dijkstra", "huffman", "interp", "qsort", "sha256" }.Select(n => $"benchmark://{BuiltinDataset.DatasetName}/{n}")];

    public static IReadOnlyList<string> Builtin => [.. new BuiltinDataset().Benchmarks.Select(b => b.Uri)];

    /// <summary>The built-in programs less the held-out ones.</summary>
    public static IReadOnlyList<string> Training => [.. Builtin.Except(HeldOut)];

    /// <summary>generator://csmith-v0/1 to /count: random C programs, the same for the same seed.</summary>
    public static IReadOnlyList<string> Csmith(int count) => [.. Enumerable.Range(1, count).Select(i => $"generator://csmith-v0/{i}")];

    public static readonly IReadOnlyList<string> Names = ["held-out", "training", "builtin"];

    public static IReadOnlyList<string> Get(string name) => name switch
    {
        "held-out" => HeldOut,
        "training" => Training,
        "builtin" => Builtin,
        _ => throw new ArgumentException($"unknown benchmark set '{name}' (known: {string.Join(", ", Names)})"),
    };
}
