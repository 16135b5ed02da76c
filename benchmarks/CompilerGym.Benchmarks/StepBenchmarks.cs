using BenchmarkDotNet.Attributes;
using CompilerGym.Benchmarks.Measurements;
using CompilerGym.Client;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Env;

namespace CompilerGym.Benchmarks;

/// <summary>
/// One step from a freshly reset episode, in process and through a server on loopback, against
/// the bare LLVMRunPasses call on the same program: a cheap pass (adce) and an expensive one
/// (gvn), on a small, a mid-sized and a large program. Each measured call starts from the
/// unoptimized program, so every iteration resets outside the measurement and times a single call.
/// </summary>
[InvocationCount(1, unrollFactor: 1)]
[IterationCount(60)]
[WarmupCount(5)]
public class StepBenchmarks
{
    private LlvmEnv _env = null!;
    private LocalServer? _server;
    private RemoteEnv? _remote;
    private TargetMachine _machine = null!;
    private LlvmModule? _module;
    private int _action;
    private string _pipeline = "";

    // Small (558 IR instructions), mid-sized (4,208) and large (97,946).
    [Params("builtin-v0/crc32", "builtin-v0/interp", "debian-v0/tiff2rgba")]
    public string Program { get; set; } = "";

    [Params("adce", "gvn")]
    public string Pass { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _env = new LlvmEnv();
        _env.Reset($"benchmark://{Program}");
        _action = _env.Actions[Pass].Id;
        _pipeline = _env.Actions[Pass].Pipeline;
        _machine = new TargetMachine(_env.CurrentBenchmark!.TargetTriple);
    }

    [GlobalSetup(Target = nameof(RemoteStep))]
    public void SetupRemote()
    {
        Setup();
        _server = new LocalServer();
        _remote = new RemoteEnv(_server.Address);
        _remote.Reset($"benchmark://{Program}");
    }

    [IterationSetup(Target = nameof(Step))]
    public void ResetEpisode() => _env.Reset();

    [IterationSetup(Target = nameof(RemoteStep))]
    public void ResetRemoteEpisode() => _remote!.Reset();

    [IterationSetup(Targets = [nameof(BareRunPasses), nameof(RunPassesWithChangeReport)])]
    public void ReloadModule()
    {
        _module?.Dispose();
        _module = _env.CurrentBenchmark!.Load();
    }

    [Benchmark]
    public bool Step() => _env.Step(_action).Info.IrChanged;

    [Benchmark]
    public bool RemoteStep() => _remote!.Step(_action).Info.IrChanged;

    [Benchmark(Baseline = true)]
    public void BareRunPasses() => _machine.RunPassesBare(_module!, _pipeline);

    /// <summary>The env's pass runner alone: tells the env's own cost apart from the native runner's.</summary>
    [Benchmark]
    public bool RunPassesWithChangeReport() => _machine.RunPasses(_module!, _pipeline);

    [GlobalCleanup]
    public void Cleanup()
    {
        _module?.Dispose();
        _machine.Dispose();
        _env.Dispose();
        _remote?.Dispose();
        _server?.Dispose();
    }
}
