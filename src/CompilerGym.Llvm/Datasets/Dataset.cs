using CompilerGym.Core.Benchmarks;

namespace CompilerGym.Llvm.Datasets;

/// <summary>A named collection of benchmarks, addressed as <c>benchmark://NAME/BENCHMARK</c>.</summary>
public interface IDataset
{
    string Name { get; }
    string Description { get; }
    IReadOnlyList<BenchmarkInfo> Benchmarks { get; }

    /// <summary>
    /// Builds (or takes from the cache) the named benchmark for a target (a normalized triple; null:
    /// the default); throws UnknownBenchmarkException if absent, ArgumentException if it cannot be had for the target.
    /// </summary>
    LlvmBenchmark Load(string name, string? target = null);
}
