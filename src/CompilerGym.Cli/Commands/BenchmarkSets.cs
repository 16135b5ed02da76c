namespace CompilerGym.Cli.Commands;

/// <summary>
/// The benchmark sets of training and evaluation: each environment's named sets (llvm-v0's
/// <c>training</c> and <c>held-out</c>, mlir-v0's <c>mlir-training</c> and <c>mlir-held-out</c>, ...),
/// and generated programs.
/// </summary>
internal static class BenchmarkSets
{
    public static IReadOnlyList<string> Names => [.. CommonOptions.Registry.All.SelectMany(spec => spec.BenchmarkSets.Keys)];

    public static IReadOnlyList<string> Get(string name) =>
        CommonOptions.Registry.All.Select(spec => spec.BenchmarkSets.GetValueOrDefault(name)).FirstOrDefault(set => set is not null)
        ?? throw new ArgumentException($"unknown benchmark set '{name}' (known: {string.Join(", ", Names)})");

    /// <summary>generator://csmith-v0/1 to /count: random C programs, the same for the same seed.</summary>
    public static IReadOnlyList<string> Csmith(int count) => [.. Enumerable.Range(1, count).Select(i => $"generator://csmith-v0/{i}")];
}
