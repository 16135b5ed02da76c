using CompilerGym.Core.Benchmarks;
using CompilerGym.Core.Envs;
using CompilerGym.Mlir.Benchmarks;
using CompilerGym.Mlir.Core;
using CompilerGym.Mlir.Env;

namespace CompilerGym.Mlir.Tests;

public class EnvTests
{
    private const string Matmul = "benchmark://mlir-linalg-v0/matmul?m=16&n=16&k=16";

    [Fact]
    public void BenchmarkUrisAreCanonicalAndCheckTheirParameters()
    {
        Assert.Equal("benchmark://mlir-linalg-v0/matmul?m=512&n=256&k=256", MlirBenchmark.Get("mlir-linalg-v0/matmul?m=512").Uri);
        Assert.Contains("unknown kernel 'gemm'", Assert.Throws<ArgumentException>(() => MlirBenchmark.Get("benchmark://mlir-linalg-v0/gemm")).Message);
        Assert.Contains("no parameter 'q'", Assert.Throws<UnknownBenchmarkException>(() => MlirBenchmark.Get("benchmark://mlir-linalg-v0/matmul?q=3")).Message);
        Assert.Throws<UnknownBenchmarkException>(() => MlirBenchmark.Get("benchmark://mlir-linalg-v0/matmul?m=0"));
    }

    [Fact]
    public void KernelsWhoseArgumentsExceedTheCapAreAClearErrorAtReset()
    {
        using var env = new MlirEnv();
        // Three 65536 x 65536 f32 matrices: 16 GiB each.
        var error = Assert.Throws<FormatException>(() => env.Reset("benchmark://mlir-linalg-v0/matmul?m=65536&n=65536&k=65536"));
        Assert.Contains("take 48 GiB", error.Message);
        Assert.Contains("more than the 1 GiB", error.Message);
        // Parameters beyond 65536 were refused already; the cap applies to every kernel as well.
        Assert.Throws<UnknownBenchmarkException>(() => env.Reset("benchmark://mlir-linalg-v0/matmul?m=100000&n=100000&k=100000"));

        string path = Path.Combine(Path.GetTempPath(), $"cgym-huge-{Guid.NewGuid():N}.mlir");
        // A shape whose element count overflows a long.
        File.WriteAllText(path, "func.func @kernel(%a: memref<4294967296x4294967296x4xf32>, %out: memref<4xf32>) {\n  return\n}\n");
        try
        {
            Assert.Contains("more than the 1 GiB", Assert.Throws<FormatException>(() => env.Reset(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
        env.Reset(Matmul);
        Assert.Equal(Matmul, env.Benchmark);
    }

    [Fact]
    public void AKernelPastItsTimeLimitIsAClearErrorAndTheEnvironmentContinues()
    {
        // A 2048^3 matmul takes far more than a second per call untiled; the harness makes at least four calls.
        using var env = new MlirEnv(kernelTimeLimit: TimeSpan.FromSeconds(0.5));
        env.Reset("benchmark://mlir-linalg-v0/matmul?m=2048&n=2048&k=2048");
        var error = Assert.Throws<MlirException>(() => env.Observe(MlirSpaces.Runtime));
        Assert.Contains("the kernel ran past its time limit of 0.5 s", error.Message);

        env.Step(["tile-d0-8"]);
        Assert.Equal(["tile-d0-8"], env.State.Actions);
        Assert.Contains("scf.for", env.Observe(MlirSpaces.Mlir).AsText());
        Assert.Contains("ran past its time limit", Assert.Throws<MlirException>(() => env.Observe(MlirSpaces.Runtime)).Message);

        // Another environment on a small kernel runs as before.
        using var small = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        small.Reset(Matmul);
        Assert.True(small.Observe(MlirSpaces.Runtime).AsDouble() > 0);
    }

    [Fact]
    public void MalformedMlirFileGivesAClearError()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cgym-bad-{Guid.NewGuid():N}.mlir");
        File.WriteAllText(path, "func.func @kernel(%a: memref<4xf32>, %out: memref<4xf32>) {\n  %0 = arith.addf %a, %a : f32\n  return\n}\n");
        try
        {
            using var env = new MlirEnv();
            var error = Assert.Throws<MlirException>(() => env.Reset(path));
            Assert.Contains("invalid MLIR", error.Message);
            Assert.Contains(":2:", error.Message); // the line of the error
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UserFileNeedsACallableKernel()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cgym-nokernel-{Guid.NewGuid():N}.mlir");
        File.WriteAllText(path, "func.func @main(%a: memref<4xf32>) {\n  return\n}\n");
        try
        {
            using var env = new MlirEnv();
            Assert.Contains("no 'func.func @kernel", Assert.Throws<FormatException>(() => env.Reset(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void UserFileIsABenchmark()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cgym-user-{Guid.NewGuid():N}.mlir");
        File.WriteAllText(path, MlirBenchmark.Get(Matmul).Text);
        try
        {
            using var env = new MlirEnv(runtimeBudget: TimeSpan.Zero);
            env.Reset(path);
            Assert.Equal($"file://{path}", env.Benchmark);
            string reference = env.Observe(MlirSpaces.OutputChecksum).AsText();
            env.Step(["tile-d1-8", "vectorize"]);
            Assert.Equal(reference, env.Observe(MlirSpaces.OutputChecksum).AsText());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void InapplicableTransformationGivesAClearErrorAndChangesNothing()
    {
        using var env = new MlirEnv();
        env.Reset("benchmark://mlir-linalg-v0/matmul?m=512&n=512&k=512");
        env.Step(["tile-d0-32"]);
        string before = env.Observe(MlirSpaces.Mlir).AsText();

        Assert.Contains("more than 16384 (tile it first)", Assert.Throws<InapplicableActionException>(() => env.Step(["vectorize"])).Message);
        Assert.Contains("needs 6 loops, and the root operation has 3", Assert.Throws<InapplicableActionException>(() => env.Step(["tile-d5-8"])).Message);
        // Rejected by MLIR itself (a matmul is no convolution), after a transformation that applied in the same step.
        var decompose = Assert.Throws<InapplicableActionException>(() => env.Step(["tile-d1-8", "decompose"]));
        Assert.Contains("'decompose' does not apply", decompose.Message);
        Assert.Contains("error", decompose.Message);

        Assert.Equal(before, env.Observe(MlirSpaces.Mlir).AsText());
        Assert.Equal(["tile-d0-32"], env.State.Actions);
        env.Step(["tile-d1-16"]);
        Assert.Equal(["tile-d0-32", "tile-d1-16"], env.State.Actions);
    }

    [Fact]
    public void AnActionThatChangesNothingIsReportedAsSuch()
    {
        using var env = new MlirEnv();
        env.Reset(Matmul);
        Assert.True(env.Step(["canonicalize"]).Info.IrChanged);
        Assert.False(env.Step(["canonicalize"]).Info.IrChanged);
        Assert.True(env.Step(["tile-d0-4"]).Info.IrChanged);
    }

    [Fact]
    public void CommandlineReproducesTheStateWithMlirOpt()
    {
        using var env = new MlirEnv();
        env.Reset("benchmark://mlir-linalg-v0/mlp?m=16&n=32&k=16");
        env.Step(["fuse-d0-8", "swap-d0-d1", "tile-d0-16", "canonicalize", "unroll-2", "cse"]);
        MlirOptCheck.AssertCommandlineReproduces(env);
    }

    [Fact]
    public void LoopFeaturesDescribeTheRootAndTheTransformations()
    {
        using var env = new MlirEnv();
        env.Reset("benchmark://mlir-linalg-v0/matmul?m=32&n=48&k=16");
        var names = LoopFeatures.Names.ToList();
        long Feature(string name) => env.Observe(MlirSpaces.LoopFeatures).AsInt64Vector()[names.IndexOf(name)];
        Assert.Equal(names.Count, env.Observe(MlirSpaces.LoopFeatures).AsInt64Vector().Length);
        Assert.Equal([32, 48, 16, 3, 2, 1], new[] { "root.range_d0", "root.range_d1", "root.range_d2", "root.loops", "root.parallel_loops", "root.reduction_loops" }.Select(Feature));
        // A[m,k], B[k,n], C[m,n] along the innermost loop k: A contiguous, B strided, C invariant.
        Assert.Equal([1, 1, 1], new[] { "root.contiguous_operands", "root.strided_operands", "root.invariant_operands" }.Select(Feature));

        env.Step(["tile-d0-8", "swap-d1-d2"]);
        Assert.Equal([8, 16, 48, 1, 1, 1], new[] { "root.range_d0", "root.range_d1", "root.range_d2", "root.enclosing_for_loops", "applied.tile", "applied.interchange" }.Select(Feature));
        env.Step(["tile-d1-4", "tile-d2-16", "vectorize"]);
        Assert.Equal(0, Feature("roots"));
        Assert.True(Feature("module.vector_ops") > 0);
    }

    [Fact]
    public void ForksAreIndependentAndStatesValidate()
    {
        using var env = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        env.Reset(Matmul);
        env.Step(["tile-d0-8"]);
        using var fork = (MlirEnv)env.Fork();
        fork.Step(["tile-d1-8", "vectorize"]);
        Assert.Equal(["tile-d0-8"], env.State.Actions);
        Assert.NotEqual(env.Observe(MlirSpaces.Mlir).AsText(), fork.Observe(MlirSpaces.Mlir).AsText());

        var valid = fork.Validate();
        Assert.True(valid.Ok, string.Join("; ", valid.Errors));
        var invalid = env.Validate(env.State with { Actions = ["tile-d0-8", "vectorize", "unroll-2"] });
        Assert.False(invalid.Ok);
        Assert.Contains("'unroll-2' does not apply", invalid.Errors[0]);
    }

    [Fact]
    public void RuntimeObservationsAndRewards()
    {
        using var env = new MlirEnv(rewardSpace: MlirSpaces.SpeedupDefault, runtimeBudget: TimeSpan.FromMilliseconds(20));
        env.Reset("benchmark://mlir-linalg-v0/matmul?m=64&n=64&k=64");
        var step = env.Step(["tile-d0-8", "tile-d1-32", "tile-d2-1", "vectorize"], new StepOptions([MlirSpaces.Runtime, MlirSpaces.RuntimeDefault]));
        double now = step.Info.Observations[MlirSpaces.Runtime].AsDouble(), reference = step.Info.Observations[MlirSpaces.RuntimeDefault].AsDouble();
        Assert.True(now > 0 && reference > 0);
        Assert.Equal(reference / now - 1, step.Reward!.Value, 6);
        Assert.True(env.Observe(MlirSpaces.LlvmInstructionCount).AsDouble() > 0);
        Assert.True(env.Observe(MlirSpaces.ObjectTextSizeBytes).AsDouble() > 0);
    }

    [Fact]
    public void Loop_features_count_an_action_that_changed_nothing()
    {
        using var env = new MlirEnv();
        env.Reset(Matmul);
        int cse = env.ActionSpace.IndexOf("cse");
        env.Step(cse);
        var once = env.Observe(MlirSpaces.LoopFeatures).AsInt64Vector();
        var again = env.Step(cse);
        Assert.False(again.Info.IrChanged);
        Assert.NotEqual(once, env.Observe(MlirSpaces.LoopFeatures).AsInt64Vector());
        Assert.Equal(2, env.State.Actions.Count);
    }
}
