using CompilerGym.Core.Envs;
using CompilerGym.Mlir.Core;
using CompilerGym.Mlir.Env;

namespace CompilerGym.Mlir.Tests;

/// <summary>Parallel tiles (scf.forall), lowered to OpenMP and run on libomp's threads.</summary>
public class ParallelTests
{
    private const string Matmul = "benchmark://mlir-linalg-v0/matmul?m=64&n=48&k=32";

    [Fact]
    public void AParallelScheduleKeepsTheOutputAndCallsOpenMp()
    {
        using var env = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        env.Reset("benchmark://mlir-linalg-v0/matmul?m=32&n=16&k=16");
        string reference = env.Observe(MlirSpaces.OutputChecksum).AsText();
        Assert.DoesNotContain("__kmpc_", env.Observe(MlirSpaces.LlvmIr).AsText());

        // Parallel rows, then tiles inside them: tiled, unrolled, vectorized (small vectors, quick to build).
        env.Step(["parallel-d0-8", "tile-d1-8", "tile-d2-4", "unroll-2", "vectorize", "canonicalize", "cse"]);
        Assert.Contains("call void (ptr, i32, ptr, ...) @__kmpc_fork_call", env.Observe(MlirSpaces.LlvmIr).AsText());
        Assert.Equal(reference, env.Observe(MlirSpaces.OutputChecksum).AsText());
        // Built with -O3 and timed, its output checked against the untransformed kernel's.
        Assert.True(env.Observe(MlirSpaces.Runtime).AsDouble() > 0);
        Assert.True(env.Validate().Ok);
    }

    [Fact]
    public void NestedParallelTilesKeepTheOutput()
    {
        using var env = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        env.Reset("benchmark://mlir-linalg-v0/batch_matmul?b=2&m=16&n=16&k=8");
        string reference = env.Observe(MlirSpaces.OutputChecksum).AsText();
        env.Step(["parallel-d0-1", "parallel-d2-4"]);
        Assert.Equal(reference, env.Observe(MlirSpaces.OutputChecksum).AsText());
    }

    [Fact]
    public void ParallelizingAReductionLoopIsInapplicable()
    {
        using var env = new MlirEnv();
        env.Reset(Matmul);
        string before = env.Observe(MlirSpaces.Mlir).AsText();
        var error = Assert.Throws<InapplicableActionException>(() => env.Step(["parallel-d2-8"]));
        Assert.Contains("'parallel-d2-8' does not apply to this kernel: loop d2 of the root operation is a reduction", error.Message);
        Assert.Equal(before, env.Observe(MlirSpaces.Mlir).AsText());
        Assert.Empty(env.State.Actions);

        // Which loops are parallel follows the interchange: k is now d1.
        env.Step(["swap-d1-d2"]);
        Assert.Throws<InapplicableActionException>(() => env.Step(["parallel-d1-8"]));
        env.Step(["parallel-d2-8"]);
    }

    [Fact]
    public void LoopFeaturesCountParallelTiles()
    {
        using var env = new MlirEnv();
        env.Reset(Matmul);
        var names = LoopFeatures.Names.ToList();
        long Feature(string name) => env.Observe(MlirSpaces.LoopFeatures).AsInt64Vector()[names.IndexOf(name)];
        Assert.Equal(0b011, Feature("root.parallel_loop_mask")); // m and n parallel, k a reduction

        env.Step(["parallel-d0-16", "tile-d1-8"]);
        Assert.Equal([1, 1, 1, 1, 1, 2], new[]
        {
            "applied.parallelize", "applied.tile", "module.scf_forall_loops", "root.enclosing_forall_loops", "root.enclosing_for_loops", "module.max_loop_depth",
        }.Select(Feature));
        Assert.Equal([16, 8, 32], new[] { "root.range_d0", "root.range_d1", "root.range_d2" }.Select(Feature));
    }
}
