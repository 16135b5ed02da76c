using CompilerGym.Core.Envs;
using CompilerGym.Mlir.Core;
using CompilerGym.Mlir.Env;
using Xunit.Abstractions;

namespace CompilerGym.Mlir.Tests;

/// <summary>Actions on every kernel, at small shapes: where they apply, the kernel's output must not change.</summary>
public class ActionTests(ITestOutputHelper output)
{
    public static TheoryData<string> SmallKernels => [.. ActionSweep.Kernels];

    /// <summary>
    /// Every fifth applicable action, from a different first one on each kernel, and the first of
    /// each kind, keep the output. The benchmarks' <c>mlir-action-sweep</c> checks every action on every kernel.
    /// </summary>
    [Theory]
    [MemberData(nameof(SmallKernels))]
    public void SampledApplicableActionsKeepTheOutput(string kernel)
    {
        using var sweep = new ActionSweep(kernel);
        var applicable = sweep.Actions.Where(sweep.Applies).ToList();
        int offset = ActionSweep.Kernels.ToList().IndexOf(kernel) % 5;
        var sample = applicable.Where((_, i) => i % 5 == offset).Concat(applicable.DistinctBy(a => a.Kind)).Distinct().OrderBy(a => a.Id).ToList();
        foreach (var action in sample)
        {
            string? outcome = sweep.OutputAfter(action);
            Assert.True(sweep.Reference == outcome, $"{kernel}: after {action.Name} the output checksum is {outcome}, expected {sweep.Reference}");
        }
        output.WriteLine($"{kernel}: {applicable.Count} actions apply; these keep the output: {string.Join(" ", sample.Select(a => a.Name))}");
        foreach (var kind in ActionSweep.KindsThatApply(kernel))
            Assert.Contains(applicable, a => a.Kind == kind);
    }

    /// <summary>
    /// Random schedules, as agents play them: every state they reach must build, run and keep the
    /// output, whatever mix of actions made it (seeded, so a failure repeats).
    /// </summary>
    [Theory]
    [MemberData(nameof(SmallKernels))]
    public void RandomSchedulesBuildAndKeepTheOutput(string kernel)
    {
        using var env = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        env.Reset($"benchmark://mlir-linalg-v0/{kernel}");
        string reference = env.Observe(MlirSpaces.OutputChecksum).AsText();
        var random = new Random(kernel.Length);
        for (int episode = 0; episode < 4; episode++)
        {
            env.Reset();
            var applied = new List<string>();
            while (applied.Count < 5)
            {
                var action = env.Actions.Actions[random.Next(env.Actions.Actions.Count)];
                if (env.TryStep(action.Id) is not null) applied.Add(action.Name);
            }
            Assert.True(reference == env.Observe(MlirSpaces.OutputChecksum).AsText(), $"{kernel} after {string.Join(" ", applied)}");
        }
    }

    [Fact]
    public void SchedulesOfSeveralActionsKeepTheOutput()
    {
        string[][] schedules =
        [
            ["tile-d0-8", "tile-d1-8", "tile-d2-1", "vectorize", "canonicalize", "cse"],
            ["swap-d1-d2", "tile-d0-4", "unroll-2", "loop-invariant-code-motion"],
        ];
        using var env = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        foreach (var schedule in schedules)
        {
            env.Reset("benchmark://mlir-linalg-v0/matmul?m=16&n=16&k=16");
            string reference = env.Observe(MlirSpaces.OutputChecksum).AsText();
            env.Step(schedule);
            Assert.Equal(reference, env.Observe(MlirSpaces.OutputChecksum).AsText());
        }
        // A 2-D convolution is vectorized after being decomposed into 1-D ones.
        env.Reset("benchmark://mlir-linalg-v0/conv2d?n=1&h=4&w=8&c=4&f=8&kh=3&kw=3");
        string convolution = env.Observe(MlirSpaces.OutputChecksum).AsText();
        env.Step(["tile-d1-1", "tile-d4-1", "decompose", "vectorize"]);
        Assert.Equal(0, env.Observe(MlirSpaces.LoopFeatures).AsInt64Vector()[LoopFeatures.Names.ToList().IndexOf("roots")]);
        Assert.Equal(convolution, env.Observe(MlirSpaces.OutputChecksum).AsText());
    }
}
