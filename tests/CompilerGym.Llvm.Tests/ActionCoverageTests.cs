using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Datasets;

namespace CompilerGym.Llvm.Tests;

/// <summary>
/// Every action runs on every built-in benchmark, unoptimized and after -Oz, in this process, and
/// leaves a module that passes LLVM's verifier.
/// </summary>
public class ActionCoverageTests
{
    [Theory]
    [MemberData(nameof(Fixtures.Builtins), MemberType = typeof(Fixtures))]
    public void Every_action_runs_on_the_benchmark(string uri)
    {
        var benchmark = BenchmarkStore.Default.Get(uri);
        using var machine = new TargetMachine(benchmark.TargetTriple);
        using var unoptimized = benchmark.Load();
        using var optimized = benchmark.Load();
        machine.RunPasses(optimized, Baselines.OzPipeline);

        // llvm-22-tune repeats the other spaces' actions: each pipeline runs once.
        foreach (var action in LlvmActionSpace.All.SelectMany(s => s.Actions).DistinctBy(a => a.Pipeline))
            foreach (var start in new[] { unoptimized, optimized })
            {
                using var module = start.Fork();
                machine.RunPasses(module, action.Pipeline);
                module.Verify();
            }
    }

    [Fact]
    public void Builtin_dataset_has_at_least_twenty_described_programs()
    {
        var benchmarks = new BuiltinDataset().Benchmarks;
        Assert.True(benchmarks.Count >= 20, $"only {benchmarks.Count} programs");
        Assert.All(benchmarks, b => Assert.False(string.IsNullOrWhiteSpace(b.Description), b.Uri));
    }
}
