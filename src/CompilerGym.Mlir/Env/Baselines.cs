using System.Collections.Concurrent;
using CompilerGym.Mlir.Benchmarks;
using CompilerGym.Mlir.Core;
using CompilerGym.Mlir.Runtime;

namespace CompilerGym.Mlir.Env;

/// <summary>A benchmark's reference runs, measured once per process: the untransformed kernel (-O0) and the default lowering (-O3).</summary>
public sealed record Baseline(RunResult Untransformed, RunResult Default)
{
    private static readonly ConcurrentDictionary<string, Lazy<Baseline>> s_cache = new();

    public static Baseline For(MlirBenchmark benchmark, TimeSpan budget) =>
        // PublicationOnly: a failed measurement (a time-out under load) is not remembered.
        s_cache.GetOrAdd(benchmark.Uri + "\n" + benchmark.Text,
            _ => new Lazy<Baseline>(() => Measure(benchmark, budget), LazyThreadSafetyMode.PublicationOnly)).Value;

    private static Baseline Measure(MlirBenchmark benchmark, TimeSpan budget)
    {
        using var module = MlirModule.Parse(benchmark.Text, benchmark.Uri);
        string ir = Lowering.ToLlvmIr(module);
        var untransformed = Harness.Run(ir, benchmark.Signature, Harness.Unoptimized, budget);
        var optimized = Harness.Run(ir, benchmark.Signature, Harness.Optimized, budget);
        if (optimized.Checksum != untransformed.Checksum)
            throw new MlirException($"'{benchmark.Uri}': the kernel's output differs between -O0 ({untransformed.Checksum}) and -O3 ({optimized.Checksum})");
        return new Baseline(untransformed, optimized);
    }
}
