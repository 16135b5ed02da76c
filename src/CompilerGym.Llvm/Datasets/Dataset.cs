using CompilerGym.Core.Benchmarks;

namespace CompilerGym.Llvm.Datasets;

/// <summary>A named collection of benchmarks, addressed as <c>benchmark://NAME/BENCHMARK</c>.</summary>
public interface IDataset
{
    string Name { get; }
    string Description { get; }
    IReadOnlyList<BenchmarkInfo> Benchmarks { get; }

    /// <summary>Builds (or takes from the cache) the named benchmark; throws UnknownBenchmarkException if absent.</summary>
    LlvmBenchmark Load(string name);
}
