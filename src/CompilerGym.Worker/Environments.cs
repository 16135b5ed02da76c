using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Llvm.Env;
using CompilerGym.Mlir.Benchmarks;
using CompilerGym.Mlir.Env;

namespace CompilerGym.Worker;

/// <summary>Which environment serves a benchmark: MLIR kernels and .mlir files mlir-v0, everything else llvm-v0.</summary>
internal static class Environments
{
    public static ICompilerEnv Create(string benchmark, BenchmarkStore store) => MlirBenchmark.IsMlir(benchmark) ? new MlirEnv() : new LlvmEnv(store);

    /// <summary>Action names as indices of the env's action space (an unknown name throws UnknownNameException).</summary>
    public static int[] Indices(ICompilerEnv env, IEnumerable<string> names) => [.. names.Select(env.ActionSpace.IndexOf)];
}
