using BenchmarkDotNet.Attributes;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Features;

namespace CompilerGym.Benchmarks;

/// <summary>Reset, fork, a multi-action step and the observations, on a small, a mid-sized and a large program.</summary>
[MemoryDiagnoser]
public class EpisodeBenchmarks
{
    private LlvmEnv _env = null!;
    private LlvmModule _module = null!;
    private TargetMachine _machine = null!;
    private int[] _actions = [];

    // Small (558 IR instructions), mid-sized (4,208) and large (97,946).
    [Params("builtin-v0/crc32", "builtin-v0/interp", "debian-v0/tiff2rgba")]
    public string Program { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _env = new LlvmEnv();
        _env.Reset($"benchmark://{Program}");
        _env.Step(["mem2reg", "instcombine", "simplifycfg"]);
        // The env caches observations per state; the feature walks are measured on a module of their own.
        _module = _env.CurrentBenchmark!.Load();
        _machine = new TargetMachine(_env.CurrentBenchmark.TargetTriple);
        _actions = [.. new[] { "sroa", "instcombine", "simplifycfg", "early-cse", "adce" }.Select(n => _env.Actions[n].Id)];
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
    [Benchmark] public string Ir() => _module.ToText();
    [Benchmark] public byte[] Bitcode() => _module.ToBitcode();
    [Benchmark] public long ObjectTextSizeBytes() => _machine.TextSizeBytes(_module);

    /// <summary>Reset and five actions in one step call (the reset is included: a step needs a fresh program).</summary>
    [Benchmark] public StepResult ResetAndMultiStep()
    {
        _env.Reset();
        return _env.Step(_actions);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _module.Dispose();
        _machine.Dispose();
        _env.Dispose();
    }
}
