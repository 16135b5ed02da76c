using CompilerGym.Core.Envs;
using CompilerGym.Mlir.Actions;
using CompilerGym.Mlir.Core;
using CompilerGym.Mlir.Env;
using Xunit.Abstractions;

namespace CompilerGym.Mlir.Tests;

/// <summary>Every action on every kernel, at small shapes: where it applies, the kernel's output must not change.</summary>
public class ActionTests(ITestOutputHelper output)
{
    public static TheoryData<string> SmallKernels =>
    [
        "matmul?m=16&n=24&k=8",
        "batch_matmul?b=2&m=8&n=16&k=8",
        "conv2d?n=1&h=6&w=8&c=4&f=8&kh=3&kw=3",
        "pooling?n=1&h=6&w=8&c=8&kh=3&kw=3",
        "elementwise?m=16&n=32",
        "reduction?m=16&n=32",
        "mlp?m=8&n=16&k=16",
    ];

    [Theory]
    [MemberData(nameof(SmallKernels))]
    public void EveryApplicableActionKeepsTheOutput(string kernel)
    {
        using var env = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        env.Reset($"benchmark://mlir-linalg-v0/{kernel}");
        string reference = env.Observe(MlirSpaces.OutputChecksum).AsText();
        // Some actions need a prepared root: inside a loop (unroll), with the output row and the
        // window row tiled to 1 (decompose), decomposed (vectorizing a convolution or pooling).
        var starts = new List<MlirEnv> { env };
        foreach (string[] prefix in new string[][] { ["tile-d0-4"], ["tile-d1-1", "tile-d4-1"], ["tile-d1-1", "tile-d4-1", "decompose"] })
        {
            var start = (MlirEnv)env.Fork();
            try { start.Step(prefix); starts.Add(start); }
            catch (InapplicableActionException) { start.Dispose(); }
        }

        var applied = new List<string>();
        var inapplicable = new List<string>();
        foreach (var action in env.Actions.Actions)
        {
            var outcome = starts.Select(start => TryAction(start, action)).FirstOrDefault(o => o is not null);
            if (outcome is null) { inapplicable.Add(action.Name); continue; }
            applied.Add(action.Name);
            Assert.True(reference == outcome, $"{kernel}: after {action.Name} the output checksum is {outcome}, expected {reference}");
        }
        output.WriteLine($"{kernel}: {applied.Count} actions keep the output; inapplicable: {string.Join(" ", inapplicable)}");
        foreach (var start in starts.Skip(1)) start.Dispose();
        // Every kind of transformation applies to every kernel in some parameterization.
        foreach (var kind in Enum.GetValues<ActionKind>().Where(k => k != ActionKind.Decompose || kernel.StartsWith("conv") || kernel.StartsWith("pooling")))
            Assert.Contains(env.Actions.Actions, a => a.Kind == kind && applied.Contains(a.Name));
    }

    /// <summary>The output checksum after the action, or null when it does not apply.</summary>
    private static string? TryAction(MlirEnv env, MlirAction action)
    {
        using var fork = (MlirEnv)env.Fork();
        try
        {
            fork.Step(action.Id);
        }
        catch (InapplicableActionException)
        {
            return null;
        }
        return fork.Observe(MlirSpaces.OutputChecksum).AsText();
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
