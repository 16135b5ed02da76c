using System.Collections.Concurrent;
using CompilerGym.Mlir.Benchmarks;
using CompilerGym.Mlir.Core;
using CompilerGym.Mlir.Runtime;

namespace CompilerGym.Mlir.Env;

/// <summary>A benchmark's reference runs, measured once per process: the untransformed kernel (-O0) and the default lowering (-O3).</summary>
public sealed record Baseline(RunResult Untransformed, RunResult Default)
{
    private static readonly ConcurrentDictionary<string, Lazy<Baseline>> s_cache = new();

    public static Baseline For(MlirBenchmark benchmark, TimeSpan budget, TimeSpan timeLimit)
    {
        string key = benchmark.Uri + "\n" + benchmark.Text;
        var measurement = s_cache.GetOrAdd(key, _ => new Lazy<Baseline>(() => Measure(benchmark, budget, timeLimit)));
        try
        {
            return measurement.Value;
        }
        catch
        {
            // A failed measurement (a time-out under load, or under one caller's small time limit) is
            // not remembered: the next caller measures again, with its own budget and limit.
            s_cache.TryRemove(KeyValuePair.Create(key, measurement));
            throw;
        }
    }

    private static Baseline Measure(MlirBenchmark benchmark, TimeSpan budget, TimeSpan timeLimit)
    {
        using var module = MlirModule.Parse(benchmark.Text, benchmark.Uri);
        string ir = Lowering.ToLlvmIr(module);
        var untransformed = Harness.Run(ir, benchmark.Signature, Harness.Unoptimized, budget, timeLimit);
        var optimized = Harness.Run(ir, benchmark.Signature, Harness.Optimized, budget, timeLimit);
        if (optimized.Checksum != untransformed.Checksum)
            throw new MlirException($"'{benchmark.Uri}': the kernel's output differs between -O0 ({untransformed.Checksum}) and -O3 ({optimized.Checksum})");
        return new Baseline(untransformed, optimized);
    }
}
