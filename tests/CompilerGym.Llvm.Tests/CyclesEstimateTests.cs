using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Execution;

namespace CompilerGym.Llvm.Tests;

public class CyclesEstimateTests
{
    [Fact]
    public void The_estimate_is_the_same_on_every_run_and_lower_after_O3()
    {
        long Estimate(bool optimize)
        {
            // A fresh environment each time: nothing cached, a new build and a new run.
            using var env = new LlvmEnv();
            env.Reset(Fixtures.Crc32, new ResetOptions(CustomActions: ["default<O3>"]));
            if (optimize) env.Step(0);
            return (long)env.Observe("CyclesEstimate").AsDouble();
        }
        long first = Estimate(false), second = Estimate(false), optimized = Estimate(true);
        Assert.Equal(first, second);
        Assert.True(optimized < first * 0.8, $"O3: {optimized}, unoptimized: {first}");
    }

    [Fact]
    public void The_estimate_follows_the_documented_formula()
    {
        string[] output =
        [
            "version: 1", "events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw",
            "summary: 1000 1 1 2 3 4 1 0 1", "fl=(1) main.c", "totals: 1000 1 1 2 3 4 1 0 1",
        ];
        var counts = Callgrind.Parse(output);
        Assert.Equal(new CallgrindCounts(1000, 9, 2), counts);
        Assert.Equal(1000 + 10 * 9 + 100 * 2, counts.CyclesEstimate);
        Assert.Throws<InvalidDataException>(() => Callgrind.Parse(["events: Ir", "totals: 5"]));
    }
}
