using BenchmarkDotNet.Attributes;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Datasets;

namespace CompilerGym.Benchmarks;

/// <summary>
/// The fixed cost of one pipeline call: a pass with nothing left to do, run again and again on the
/// same module, through the project's change-reporting runner and through bare LLVMRunPasses.
/// </summary>
public class PassRunnerBenchmarks
{
    private TargetMachine _machine = null!;
    private LlvmModule _module = null!;

    [Params("crc32", "interp")]
    public string Program { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var benchmark = BenchmarkStore.Default.Get($"benchmark://builtin-v0/{Program}");
        _machine = new TargetMachine(benchmark.TargetTriple);
        _module = benchmark.Load();
        _machine.RunPasses(_module, "function(adce)");
    }

    [Benchmark(Baseline = true)] public void Bare() => _machine.RunPassesBare(_module, "function(adce)");
    [Benchmark] public bool WithChangeReport() => _machine.RunPasses(_module, "function(adce)");

    [GlobalCleanup]
    public void Cleanup()
    {
        _module.Dispose();
        _machine.Dispose();
    }
}
