using System.Collections.Concurrent;
using CompilerGym.Core.Statistics;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Execution;
using CompilerGym.Llvm.Features;

namespace CompilerGym.Llvm.Datasets;

/// <summary>A cost unoptimized (O0) and after LLVM's default&lt;O3&gt; and default&lt;Oz&gt; pipelines.</summary>
public sealed record BaselineCosts(long O0, long O3, long Oz);

/// <summary>
/// A benchmark's baseline costs, each kind computed once on first use (instruction counts take
/// milliseconds, object sizes need code generation, and the costs of the built program need
/// linking and running it, so they are apart). Runtime baselines depend on how runs are measured,
/// so they are kept per <see cref="RuntimeOptions"/>.
/// </summary>
public sealed class Baselines
{
    public const string O3Pipeline = "default<O3>";
    public const string OzPipeline = "default<Oz>";

    private readonly LlvmBenchmark _benchmark;
    private readonly Lazy<BaselineCosts> _irInstructionCount;
    private readonly Lazy<BaselineCosts> _objectTextSize;
    private readonly Lazy<BaselineCosts> _textSize;
    private readonly Lazy<BaselineCosts> _cyclesEstimate;
    private readonly ConcurrentDictionary<RuntimeOptions, Lazy<BaselineCosts>> _runtime = new();

    public Baselines(LlvmBenchmark benchmark)
    {
        _benchmark = benchmark;
        _irInstructionCount = new(() => Measure(benchmark, (_, m) => InstCount.InstructionCount(m)));
        _objectTextSize = new(() => Measure(benchmark, (tm, m) => tm.TextSizeBytes(m)));
        _textSize = new(() => MeasureProgram(RuntimeOptions.Default, p => p.TextSizeBytes()));
        _cyclesEstimate = new(() => MeasureProgram(RuntimeOptions.Default, p => p.Callgrind().CyclesEstimate));
    }

    public BaselineCosts IrInstructionCount => _irInstructionCount.Value;
    public BaselineCosts ObjectTextSize => _objectTextSize.Value;
    public BaselineCosts TextSize => _textSize.Value;
    public BaselineCosts CyclesEstimate => _cyclesEstimate.Value;

    /// <summary>Median wall times in microseconds, measured as <paramref name="options"/> say.</summary>
    public BaselineCosts Runtime(RuntimeOptions options) =>
        _runtime.GetOrAdd(options, o => new(() => MeasureProgram(o, p => Median.Of(p.WallTimesMicroseconds())))).Value;

    private BaselineCosts MeasureProgram(RuntimeOptions options, Func<BuiltProgram, long> cost) =>
        Measure(_benchmark, (tm, m) =>
        {
            using var program = new BuiltProgram(m, tm, _benchmark, options);
            return cost(program);
        });

    private static BaselineCosts Measure(LlvmBenchmark benchmark, Func<TargetMachine, LlvmModule, long> cost)
    {
        using var machine = new TargetMachine(benchmark.TargetTriple);
        long After(string? pipeline)
        {
            using var module = benchmark.Load();
            if (pipeline is not null) machine.RunPasses(module, pipeline);
            return cost(machine, module);
        }
        return new(After(null), After(O3Pipeline), After(OzPipeline));
    }
}
