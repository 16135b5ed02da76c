using CompilerGym.Core.Envs;
using CompilerGym.Core.Statistics;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Execution;

namespace CompilerGym.Llvm.Tests;

public class RuntimeObservationTests
{
    private static readonly string[] s_o3 = ["default<O3>"];

    [Fact]
    public void Runtime_gives_one_positive_wall_time_per_measured_run()
    {
        using var env = new LlvmEnv(runtime: new RuntimeOptions(warmupRuns: 1, runs: 3));
        env.Reset(Fixtures.Crc32);
        long[] times = env.Observe("Runtime").AsInt64Vector();
        Assert.Equal(3, times.Length);
        Assert.All(times, t => Assert.True(t > 0, $"wall time {t} µs"));
        Assert.Equal([3], env.ObservationSpaces.Single(s => s.Name == "Runtime").Shape);
        Assert.False(env.ObservationSpaces.Single(s => s.Name == "Runtime").Deterministic);
        Assert.Same(env.Observe("Runtime"), env.Observe("Runtime")); // cached until the IR changes
    }

    [Fact]
    public void The_runtime_reward_is_the_drop_in_median_wall_time()
    {
        using var env = new LlvmEnv(rewardSpace: "Runtime", runtime: new RuntimeOptions(warmupRuns: 0, runs: 3));
        env.Reset(Fixtures.Crc32, new ResetOptions(CustomActions: s_o3));
        var step = env.Step(0);
        double expected = env.Observe("RuntimeO0").AsDouble() - Median.Of(env.Observe("Runtime").AsInt64Vector());
        Assert.Equal(expected, step.Reward!.Value);
        Assert.False(env.RewardSpace!.Deterministic);
    }

    [Theory]
    [InlineData(Fixtures.Crc32)]
    [InlineData("benchmark://builtin-v0/matmul")]
    [InlineData("benchmark://builtin-v0/sha256")]
    [InlineData("benchmark://builtin-v0/qsort")]
    public void O3_builds_compute_what_the_unoptimized_build_computes(string benchmark)
    {
        using var env = new LlvmEnv();
        env.Reset(benchmark, new ResetOptions(CustomActions: s_o3));
        env.Step(0);
        var validation = env.Validate();
        Assert.True(validation.Ok, validation.ToString());
        var reference = env.CurrentBenchmark!.Reference;
        Assert.Equal(RunTermination.Exited, reference.Termination);
        Assert.Contains("OK", System.Text.Encoding.UTF8.GetString(reference.Stdout));
    }

    [Fact]
    public void Text_size_of_the_executable_matches_its_baselines()
    {
        using var env = new LlvmEnv();
        env.Reset(Fixtures.Crc32, new ResetOptions(CustomActions: s_o3));
        long unoptimized = (long)env.Observe("TextSizeBytes").AsDouble();
        Assert.Equal(env.Observe("TextSizeO0").AsDouble(), unoptimized);
        Assert.True(env.Observe("Buildtime").AsDouble() > 0);
        env.Step(0);
        Assert.Equal(env.Observe("TextSizeO3").AsDouble(), env.Observe("TextSizeBytes").AsDouble());
        Assert.True(env.Observe("TextSizeOz").AsDouble() < unoptimized);
        // The linked executable holds the object's code and the C runtime's start-up code.
        Assert.True(unoptimized > env.Observe("ObjectTextSizeO0").AsDouble());
    }

    [Theory]
    [InlineData(Fixtures.Crc32)]
    [InlineData("benchmark://builtin-v0/interp")]
    [InlineData("generator://csmith-v0/3")]
    public void Builtin_and_csmith_programs_are_runnable(string benchmark)
    {
        using var env = new LlvmEnv();
        env.Reset(benchmark);
        Assert.Equal(1, env.Observe("IsRunnable").AsDouble());
    }

    [Fact]
    public void Llvm_stress_modules_are_not_runnable_and_say_why()
    {
        using var env = new LlvmEnv();
        env.Reset("generator://llvm-stress-v0/3");
        Assert.Equal(0, env.Observe("IsRunnable").AsDouble());
        foreach (string space in new[] { "Runtime", "TextSizeBytes", "CyclesEstimate" })
            Assert.Contains("no main function", Assert.Throws<ObservationUnavailableException>(() => env.Observe(space)).Message);
        Assert.True(env.Validate().Ok); // validation is the replay alone
    }

    [Fact]
    public void Cycles_are_counted_or_reported_unavailable_with_the_reason()
    {
        using var env = new LlvmEnv(runtime: new RuntimeOptions(warmupRuns: 0, runs: 1));
        env.Reset(Fixtures.Crc32);
        if (PerfEvent.Cycles.Unavailable() is { } reason)
        {
            var error = Assert.Throws<ObservationUnavailableException>(() => env.Observe("Cycles"));
            Assert.Contains(reason, error.Message);
            Assert.Contains("CyclesEstimate", error.Message);
        }
        else Assert.True(env.Observe("Cycles").AsDouble() > 0);
    }
}
