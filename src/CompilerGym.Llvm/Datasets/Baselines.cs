using System.Collections.Concurrent;
using CompilerGym.Core.Statistics;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Execution;
using CompilerGym.Llvm.Features;

namespace CompilerGym.Llvm.Datasets;

/// <summary>
/// A cost unoptimized (O0) and after LLVM's default&lt;O3&gt; and default&lt;Oz&gt; pipelines, each
/// measured on first use: a caller that needs one level (or knows one) pays for no other.
/// </summary>
public sealed class BaselineCosts
{
    private readonly Lazy<long> _o0, _o3, _oz;

    /// <param name="after">The cost after a pipeline (null: none) on a fresh module of the benchmark.</param>
    public BaselineCosts(Func<string?, long> after)
    {
        _o0 = new(() => after(null));
        _o3 = new(() => after(Baselines.O3Pipeline));
        _oz = new(() => after(Baselines.OzPipeline));
    }

    public long O0 => _o0.Value;
    public long O3 => _o3.Value;
    public long Oz => _oz.Value;
}

/// <summary>
/// A benchmark's baseline costs, each kind and level computed once on first use (instruction
/// counts take milliseconds, object sizes need code generation, and the costs of the built program
/// need linking and running it, so they are apart). Runtime baselines depend on how runs are
/// measured, so they are kept per <see cref="RuntimeOptions"/>.
/// </summary>
public sealed class Baselines
{
    public const string O3Pipeline = "default<O3>";
    public const string OzPipeline = "default<Oz>";

    private readonly LlvmBenchmark _benchmark;
    private readonly ConcurrentDictionary<RuntimeOptions, BaselineCosts> _runtime = new();

    public Baselines(LlvmBenchmark benchmark)
    {
        _benchmark = benchmark;
        IrInstructionCount = Measure(benchmark, (_, m) => InstCount.InstructionCount(m));
        ObjectTextSize = Measure(benchmark, (tm, m) => tm.TextSizeBytes(m));
        TextSize = MeasureProgram(RuntimeOptions.Default, p => p.TextSizeBytes());
        CyclesEstimate = MeasureProgram(RuntimeOptions.Default, p => p.Callgrind().CyclesEstimate);
    }

    public BaselineCosts IrInstructionCount { get; }
    public BaselineCosts ObjectTextSize { get; }
    public BaselineCosts TextSize { get; }
    public BaselineCosts CyclesEstimate { get; }

    /// <summary>Median wall times in microseconds, measured as <paramref name="options"/> say.</summary>
    public BaselineCosts Runtime(RuntimeOptions options) =>
        _runtime.GetOrAdd(options, o => MeasureProgram(o, p => Median.Of(p.WallTimesMicroseconds())));

    private BaselineCosts MeasureProgram(RuntimeOptions options, Func<BuiltProgram, long> cost) =>
        Measure(_benchmark, (tm, m) =>
        {
            using var program = new BuiltProgram(m, tm, _benchmark, options);
            return cost(program);
        });

    private static BaselineCosts Measure(LlvmBenchmark benchmark, Func<TargetMachine, LlvmModule, long> cost) => new(pipeline =>
    {
        using var machine = new TargetMachine(benchmark.TargetTriple);
        using var module = benchmark.Load();
        if (pipeline is not null) machine.RunPasses(module, pipeline);
        return cost(machine, module);
    });
}
