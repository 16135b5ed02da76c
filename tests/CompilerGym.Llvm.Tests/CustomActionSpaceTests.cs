using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Env;

namespace CompilerGym.Llvm.Tests;

public class CustomActionSpaceTests
{
    private static readonly string[] s_actions = ["function(sroa)", "function(gvn<no-pre>)", "cgscc(inline)", "function(loop-mssa(licm<no-allowspeculation>))"];

    [Fact]
    public void Custom_actions_run_their_pipelines_and_match_opt()
    {
        using var env = new LlvmEnv();
        env.Reset(Fixtures.Crc32, new ResetOptions(CustomActions: s_actions));
        Assert.Equal(LlvmActionSpace.Custom, env.ActionSpace.Name);
        Assert.Equal(s_actions, env.ActionSpace.Names);
        env.Step([0, 2, 1, 3]);
        string pipeline = "function(sroa),invalidate<all>,invalidate<globals-aa>,cgscc(inline),invalidate<all>,invalidate<globals-aa>," +
            "function(gvn<no-pre>),invalidate<all>,invalidate<globals-aa>,function(loop-mssa(licm<no-allowspeculation>))";
        Assert.Equal(pipeline, env.Pipeline);
        Assert.Equal(OptTool.InstructionCount(env.CurrentBenchmark!.BitcodePath, pipeline), env.Observe("IrInstructionCount").AsDouble());
    }

    [Fact]
    public void A_custom_state_carries_its_actions_and_validates()
    {
        using var env = new LlvmEnv(rewardSpace: "IrInstructionCountOz");
        env.Reset(Fixtures.Crc32, new ResetOptions(CustomActions: s_actions));
        env.Step([0, 1, 2]);
        var state = EnvState.FromJson(env.State.ToJson());
        Assert.Equal(s_actions, state.CustomActions);
        Assert.Equal(["function(sroa)", "function(gvn<no-pre>)", "cgscc(inline)"], state.Actions);
        var validation = env.Validate(state);
        Assert.True(validation.Ok, validation.ToString());
    }

    [Theory]
    [InlineData("function(no-such-pass)", "no-such-pass")]
    [InlineData("function(gvn", "gvn")]
    public void A_custom_action_that_does_not_parse_is_refused_before_anything_runs(string action, string named)
    {
        using var env = new LlvmEnv();
        env.Reset(Fixtures.Crc32);
        var error = Assert.ThrowsAny<Exception>(() => env.Reset(options: new ResetOptions(CustomActions: ["function(sroa)", action])));
        Assert.Contains(named, error.Message);
        Assert.Equal(LlvmActionSpace.Passes, env.ActionSpace.Name);
    }

    [Fact]
    public void Repeated_or_empty_custom_actions_and_a_named_space_with_them_are_refused()
    {
        Assert.Throws<ArgumentException>(() => LlvmActionSpace.Resolve(null, ["function(sroa)", "function(sroa)"]));
        Assert.Throws<ArgumentException>(() => LlvmActionSpace.Resolve(null, ["function(sroa)", " "]));
        Assert.Throws<ArgumentException>(() => LlvmActionSpace.Resolve(LlvmActionSpace.Passes, ["function(sroa)"]));
        Assert.Equal(LlvmActionSpace.Passes, LlvmActionSpace.Resolve(null, null).Name);
    }
}
