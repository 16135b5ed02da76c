using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Features;

namespace CompilerGym.Llvm.Datasets;

/// <summary>A cost unoptimized (O0) and after LLVM's default&lt;O3&gt; and default&lt;Oz&gt; pipelines.</summary>
public sealed record BaselineCosts(long O0, long O3, long Oz);

/// <summary>
/// A benchmark's baseline costs, each kind computed once on first use (instruction counts take
/// milliseconds, object sizes need code generation and take longer, so they are apart).
/// </summary>
public sealed class Baselines
{
    public const string O3Pipeline = "default<O3>";
    public const string OzPipeline = "default<Oz>";

    private readonly Lazy<BaselineCosts> _irInstructionCount;
    private readonly Lazy<BaselineCosts> _objectTextSize;

    public Baselines(LlvmBenchmark benchmark)
    {
        _irInstructionCount = new(() => Measure(benchmark, (_, m) => InstCount.InstructionCount(m)));
        _objectTextSize = new(() => Measure(benchmark, (tm, m) => tm.TextSizeBytes(m)));
    }

    public BaselineCosts IrInstructionCount => _irInstructionCount.Value;
    public BaselineCosts ObjectTextSize => _objectTextSize.Value;

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
