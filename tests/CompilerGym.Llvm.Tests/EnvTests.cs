using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Observations;

namespace CompilerGym.Llvm.Tests;

public class EnvTests
{
    private static readonly string[] s_sequence = ["mem2reg", "instcombine", "simplifycfg", "inline", "gvn", "licm", "adce", "globaldce"];

    [Fact]
    public void Reset_returns_the_chosen_observation_and_info()
    {
        using var env = new LlvmEnv(observationSpace: "Autophase");
        var reset = env.Reset(Fixtures.Crc32);
        Assert.Equal(Fixtures.Crc32, reset.Info.Benchmark);
        Assert.Equal(56, reset.Observation!.AsInt64Vector().Length);
        Assert.Equal(env.Observe("IrInstructionCountO0").AsDouble(), env.Observe("IrInstructionCount").AsDouble());
    }

    [Theory]
    [InlineData(Fixtures.Crc32)]
    [InlineData("benchmark://builtin-v0/qsort")]
    public void Commandline_through_opt_reproduces_the_ir(string benchmark)
    {
        using var env = new LlvmEnv();
        env.Reset(benchmark);
        env.Step(s_sequence);
        string pipeline = env.Pipeline;
        Assert.Contains(pipeline, env.Commandline());
        Assert.StartsWith("opt-22 -passes=", env.Commandline());

        string optIr = OptTool.RunToText(env.CurrentBenchmark!.BitcodePath, pipeline);
        Assert.Equal(LlvmObservations.WithoutModuleId(optIr), LlvmObservations.WithoutModuleId(env.Observe("Ir").AsText()));
        Assert.Equal(OptTool.InstructionCount(env.CurrentBenchmark.BitcodePath, pipeline), env.Observe("IrInstructionCount").AsDouble());
    }

    [Fact]
    public void Commandline_reproduces_a_module_without_a_target_triple()
    {
        // Loop vectorization and unrolling consult the target: a target-less module must get the same one in opt-22.
        string dir = Directory.CreateTempSubdirectory("cgym-test-").FullName;
        try
        {
            string ll = Path.Combine(dir, "notarget.ll");
            File.WriteAllText(ll, """
                define void @f(ptr %a, i64 %n) {
                entry:
                  br label %loop
                loop:
                  %i = phi i64 [ 0, %entry ], [ %i.next, %loop ]
                  %p = getelementptr inbounds i32, ptr %a, i64 %i
                  %v = load i32, ptr %p
                  %w = add i32 %v, 1
                  store i32 %w, ptr %p
                  %i.next = add i64 %i, 1
                  %done = icmp eq i64 %i.next, %n
                  br i1 %done, label %exit, label %loop
                exit:
                  ret void
                }
                """);
            using var env = new LlvmEnv();
            env.Reset(ll);
            env.Step(["loop-vectorize", "instcombine", "loop-unroll"]);
            string command = env.Commandline();
            Assert.Contains("-mtriple=x86_64-pc-linux-gnu", command);
            var shell = Tools.ProcessRunner.Run("sh", ["-c", command.Replace("-o output.bc", "-S -o -")], TimeSpan.FromMinutes(1));
            Assert.True(shell.ExitCode == 0, shell.Stderr);
            // Only the module's name may differ: the file has no source_filename, so each tool names it after where it read it.
            static string Code(string ir) => string.Join('\n', ir.Split('\n').Where(l =>
                !l.StartsWith("; ModuleID", StringComparison.Ordinal) && !l.StartsWith("source_filename", StringComparison.Ordinal)));
            Assert.Equal(Code(env.Observe("Ir").AsText()), Code(shell.Stdout));
            Assert.Contains("<4 x i32>", shell.Stdout); // the loop was vectorized for the target, in both
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Single_steps_and_one_multi_step_give_the_same_program()
    {
        using var one = new LlvmEnv();
        using var many = new LlvmEnv();
        one.Reset(Fixtures.Crc32);
        many.Reset(Fixtures.Crc32);
        foreach (var name in s_sequence) one.Step([name]);
        many.Step(s_sequence);
        Assert.Equal(one.Observe("IrSha1"), many.Observe("IrSha1"));
        Assert.Equal(one.State.Actions, many.State.Actions);
    }

    [Fact]
    public void Baselines_match_opt()
    {
        using var env = new LlvmEnv();
        env.Reset(Fixtures.Crc32);
        string bitcode = env.CurrentBenchmark!.BitcodePath;
        Assert.Equal(OptTool.InstructionCount(bitcode, "default<Oz>"), env.Observe("IrInstructionCountOz").AsDouble());
        Assert.Equal(OptTool.InstructionCount(bitcode, "default<O3>"), env.Observe("IrInstructionCountO3").AsDouble());
        Assert.Equal(OptTool.InstructionCount(bitcode, ""), env.Observe("IrInstructionCountO0").AsDouble());
    }

    [Fact]
    public void Forks_evolve_independently()
    {
        using var env = new LlvmEnv();
        env.Reset(Fixtures.Crc32);
        env.Step(["mem2reg"]);
        double before = env.Observe("IrInstructionCount").AsDouble();

        using var fork = env.Fork();
        fork.Step(((LlvmEnv)fork).Actions["inline"].Id);
        fork.Step(((LlvmEnv)fork).Actions["instcombine"].Id);

        Assert.Equal(before, env.Observe("IrInstructionCount").AsDouble());
        Assert.NotEqual(before, fork.Observe("IrInstructionCount").AsDouble());
        Assert.Equal(["mem2reg"], env.State.Actions);
        Assert.Equal(["mem2reg", "inline", "instcombine"], fork.State.Actions);

        // The parent goes on after the fork is gone.
        fork.Dispose();
        env.Step(["instcombine"]);
        Assert.True(env.Observe("IrInstructionCount").AsDouble() < before);
    }

    [Theory]
    [InlineData("IrInstructionCount", "IrInstructionCount", 1.0)]
    [InlineData("IrInstructionCountNorm", "IrInstructionCount", 0.0)]
    [InlineData("IrInstructionCountOz", "IrInstructionCount", -1.0)]
    [InlineData("ObjectTextSizeO3", "ObjectTextSizeBytes", -3.0)]
    public void Episode_rewards_sum_to_the_scaled_cost_change(string rewardSpace, string cost, double scaleKind)
    {
        using var env = new LlvmEnv(rewardSpace: rewardSpace);
        env.Reset(Fixtures.Crc32);
        double initial = env.Observe(cost).AsDouble();
        double sum = 0;
        foreach (var name in s_sequence) sum += env.Step([name]).Reward!.Value;
        double final = env.Observe(cost).AsDouble();
        double divisor = scaleKind switch
        {
            1.0 => 1,
            0.0 => initial,
            -1.0 => initial - env.Observe("IrInstructionCountOz").AsDouble(),
            _ => initial - env.Observe("ObjectTextSizeO3").AsDouble(),
        };
        Assert.Equal((initial - final) / divisor, sum, 9);
        Assert.Equal(sum, env.State.Reward!.Value, 9);
    }

    [Fact]
    public void A_pass_with_nothing_to_do_reports_no_change_and_keeps_cached_observations()
    {
        using var env = new LlvmEnv();
        env.Reset(Fixtures.Crc32);
        Assert.True(env.Step(["mem2reg"]).Info.IrChanged);
        string hash = env.Observe("IrSha1").AsText();
        var again = env.Step(["mem2reg"]);
        Assert.False(again.Info.IrChanged);
        Assert.Equal(hash, env.Observe("IrSha1").AsText());
        // A change is reported when there is one, and the observations follow it.
        Assert.True(env.Step(["instcombine"]).Info.IrChanged);
        Assert.NotEqual(hash, env.Observe("IrSha1").AsText());
    }

    [Fact]
    public void Step_options_return_extra_observations_and_rewards()
    {
        using var env = new LlvmEnv(observationSpace: "IrInstructionCount", rewardSpace: "IrInstructionCount");
        env.Reset(Fixtures.Crc32);
        var step = env.Step(env.Actions["mem2reg"].Id, new StepOptions(["InstCount", "Autophase"], ["IrInstructionCountNorm"]));
        Assert.Equal(step.Observation!.AsDouble(), step.Info.Observations["InstCount"].AsInt64Vector()[0]);
        Assert.Equal(step.Observation.AsDouble(), step.Info.Observations["Autophase"].AsInt64Vector()[51]); // TotalInsts
        Assert.Equal(step.Reward!.Value / env.Observe("IrInstructionCountO0").AsDouble(), step.Info.Rewards["IrInstructionCountNorm"], 12);
        Assert.False(step.Terminated);
        Assert.False(step.Truncated);
    }

    [Fact]
    public void State_round_trips_through_json_and_validates()
    {
        using var env = new LlvmEnv(rewardSpace: "IrInstructionCountOz");
        env.Reset(Fixtures.Crc32);
        env.Step(s_sequence);
        var state = EnvState.FromJson(env.State.ToJson());
        Assert.Equal(env.State.Actions, state.Actions);
        var result = env.Validate(state);
        Assert.True(result.Ok, result.ToString());
        Assert.Equal(state.Reward!.Value, result.ReplayedReward!.Value, 9);
    }

    [Fact]
    public void Validate_detects_a_tampered_state()
    {
        using var env = new LlvmEnv(rewardSpace: "IrInstructionCount");
        env.Reset(Fixtures.Crc32);
        env.Step(s_sequence);
        var state = env.State;

        var wrongReward = env.Validate(state with { Reward = state.Reward + 5 });
        Assert.False(wrongReward.Ok);
        Assert.Contains("does not reproduce", wrongReward.Errors[0]);

        var droppedAction = env.Validate(state with { Actions = [.. state.Actions.Skip(1)] });
        Assert.False(droppedAction.Ok);

        var unknownAction = env.Validate(state with { Actions = ["no-such-pass"] });
        Assert.False(unknownAction.Ok);
        Assert.Contains("no-such-pass", unknownAction.Errors[0]);
    }

    [Theory]
    [InlineData(Fixtures.Crc32)]
    [InlineData("benchmark://builtin-v0/interp")]
    [InlineData("benchmark://builtin-v0/aes")]
    public void Oz_subsequences_in_order_reproduce_default_oz(string benchmark)
    {
        using var env = new LlvmEnv(actionSpace: LlvmActionSpace.OzSubsequences);
        env.Reset(benchmark);
        env.Step([.. env.Actions.Actions.Select(a => a.Id)]);
        Assert.Equal(env.Observe("IrInstructionCountOz").AsDouble(), env.Observe("IrInstructionCount").AsDouble());
    }

    [Fact]
    public void Tune_space_is_the_whole_pipelines_then_the_Oz_subsequences_then_the_passes()
    {
        var tune = LlvmActionSpace.Get(LlvmActionSpace.Tune).Actions;
        var ozSubsequences = LlvmActionSpace.Get(LlvmActionSpace.OzSubsequences).Actions;
        var passes = LlvmActionSpace.Get(LlvmActionSpace.Passes).Actions.Where(a => a.Name != "gvn-sink").ToList();
        Assert.Equal(["gvn-sink"], LlvmActionSpace.NotDeterministic);
        // -Oz without inlining: the Oz sub-sequences less the two inliners, the per-SCC simplification kept.
        string noInlining = tune[4].Pipeline;
        Assert.Equal("Oz-no-inlining", tune[4].Name);
        Assert.DoesNotContain("always-inline", noInlining);
        Assert.DoesNotContain("(inline,", noInlining);
        Assert.Contains("cgscc(devirt<4>(function-attrs", noInlining);
        Assert.All(ozSubsequences.Where(a => a.Name is not ("oz-always-inline" or "oz-inliner-cgscc")), a => Assert.Contains(a.Pipeline, noInlining));
        Assert.Equal([("Oz", "default<Oz>"), ("Os", "default<Os>"), ("O2", "default<O2>"), ("O3", "default<O3>"), ("Oz-no-inlining", noInlining),
            .. ozSubsequences.Select(a => (a.Name, a.Pipeline)), .. passes.Select(a => (a.Name, a.Pipeline))], tune.Select(a => (a.Name, a.Pipeline)));
        Assert.Equal(Enumerable.Range(0, tune.Count), tune.Select(a => a.Id));

        Assert.Equal(["Oz", "Oz-no-inlining", "Os", "O2", "O3"], LlvmEnvSpec.Instance.FloorActions(LlvmActionSpace.Tune));
        Assert.Empty(LlvmEnvSpec.Instance.FloorActions(LlvmActionSpace.Passes));
        Assert.Empty(LlvmEnvSpec.Instance.FloorActions(LlvmActionSpace.OzSubsequences));
    }

    [Theory]
    [InlineData("IrInstructionCount")]
    [InlineData("ObjectTextSizeBytes")]
    public void The_reference_action_from_the_start_gives_the_Oz_baseline_and_known_baselines_are_not_measured_again(string cost)
    {
        Assert.Equal("Oz", LlvmEnvSpec.Instance.ReferenceAction(LlvmActionSpace.Tune));
        Assert.Null(LlvmEnvSpec.Instance.ReferenceAction(LlvmActionSpace.Passes));
        using var env = new LlvmEnv(actionSpace: LlvmActionSpace.Tune);
        env.Reset("benchmark://builtin-v0/qsort");
        var measured = LlvmEnvSpec.Instance.Baselines(env, cost);
        Assert.Equal(measured.O0, env.Observe(cost).AsDouble());
        double afterOz = env.StepByName(["Oz"], new StepOptions([cost])).Info.Observations[cost].AsDouble();
        Assert.Equal(measured.Oz, afterOz);

        // Given values stand as they are: only what is not given is measured.
        var seeded = LlvmEnvSpec.Instance.Baselines(env, cost, new CostBaselines(1, 2, null));
        Assert.Equal(new CostBaselines(1, 2, measured.O3), seeded);
    }

    [Fact]
    public void A_tune_state_with_whole_pipelines_reproduces_with_opt()
    {
        using var env = new LlvmEnv(actionSpace: LlvmActionSpace.Tune);
        env.Reset(Fixtures.Crc32);
        env.Step(["Oz"]);
        Assert.Equal(env.Observe("IrInstructionCountOz").AsDouble(), env.Observe("IrInstructionCount").AsDouble());

        env.Step(["oz-inliner-cgscc", "Oz", "gvn"]);
        string pipeline = env.Pipeline;
        Assert.Equal("default<Oz>,invalidate<all>,invalidate<globals-aa>,scc-oz-module-inliner,invalidate<all>,invalidate<globals-aa>," +
            "default<Oz>,invalidate<all>,invalidate<globals-aa>,function(gvn)", pipeline);
        string optIr = OptTool.RunToText(env.CurrentBenchmark!.BitcodePath, pipeline);
        Assert.Equal(LlvmObservations.WithoutModuleId(optIr), LlvmObservations.WithoutModuleId(env.Observe("Ir").AsText()));

        env.Reset();
        env.Step(["Oz-no-inlining"]);
        optIr = OptTool.RunToText(env.CurrentBenchmark!.BitcodePath, env.Pipeline);
        Assert.Equal(LlvmObservations.WithoutModuleId(optIr), LlvmObservations.WithoutModuleId(env.Observe("Ir").AsText()));
    }

    [Fact]
    public void No_action_runs_instcombine_with_fixpoint_verification()
    {
        // Plain instcombine aborts the process when it misses its fixpoint (see tests/fixtures).
        var unsafeUse = new System.Text.RegularExpressions.Regex(@"(?<![\w-])instcombine(?!<[^>]*no-verify-fixpoint)");
        foreach (var action in LlvmActionSpace.All.SelectMany(s => s.Actions))
            Assert.False(unsafeUse.IsMatch(action.Pipeline), $"{action.Name}: {action.Pipeline}");
    }

    [Fact]
    public void Object_text_size_matches_llc()
    {
        using var env = new LlvmEnv();
        env.Reset(Fixtures.Crc32);
        env.Step(["mem2reg", "instcombine"]);
        string dir = Directory.CreateTempSubdirectory("cgym-test-").FullName;
        try
        {
            string bc = Path.Combine(dir, "in.bc");
            File.WriteAllBytes(bc, env.Observe("Bitcode").AsBytes());
            long text = OptTool.LlcTextSize(bc);
            Assert.Equal(text, env.Observe("ObjectTextSizeBytes").AsDouble());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Spaces_describe_themselves()
    {
        using var env = new LlvmEnv();
        var passes = env.ActionSpaces.Single(s => s.Name == LlvmActionSpace.Passes);
        Assert.Equal(SpaceKind.Discrete, passes.Kind);
        Assert.True(passes.N >= 100, $"only {passes.N} passes");
        Assert.Equal(passes.N, passes.Names!.Distinct().Count());
        var autophase = env.ObservationSpaces.Single(s => s.Name == "Autophase");
        Assert.Equal([56], autophase.Shape);
        Assert.True(env.ObservationSpaces.Single(s => s.Name == "ObjectTextSizeBytes").PlatformDependent);
        Assert.Equal(20, env.RewardSpaces.Count);
    }
}
