using BenchmarkDotNet.Attributes;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Features;

namespace CompilerGym.Benchmarks;

/// <summary>Reset, fork and the observations, on a small and a large built-in program.</summary>
[MemoryDiagnoser]
public class EpisodeBenchmarks
{
    private LlvmEnv _env = null!;
    private LlvmModule _module = null!;

    [Params("crc32", "interp")]
    public string Program { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _env = new LlvmEnv();
        _env.Reset($"benchmark://builtin-v0/{Program}");
        _env.Step(["mem2reg", "instcombine", "simplifycfg"]);
        // The env caches observations per state; the feature walks are measured on a module of their own.
        _module = _env.CurrentBenchmark!.Load();
    }

    [Benchmark] public ResetResult Reset() => _env.Reset();

    [Benchmark]
    public void Fork()
    {
        using var fork = _env.Fork();
    }

    [Benchmark] public long[] AutophaseFeatures() => Autophase.Compute(_module);
    [Benchmark] public long[] InstCountFeatures() => InstCount.Compute(_module);
    [Benchmark] public long IrInstructionCount() => InstCount.InstructionCount(_module);

    [GlobalCleanup]
    public void Cleanup()
    {
        _module.Dispose();
        _env.Dispose();
    }
}
