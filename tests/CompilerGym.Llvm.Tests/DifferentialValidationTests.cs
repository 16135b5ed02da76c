using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Env;

namespace CompilerGym.Llvm.Tests;

public class DifferentialValidationTests
{
    // LLVM 22's loop-fusion fuses two of matmul.c's loop nests that it must not, once the inliner,
    // SROA and loop rotation have prepared them: the program then prints a wrong checksum.
    private static readonly string[] s_actions = ["cgscc(inline)", "function(sroa,loop-mssa(loop-rotate))", "function(loop-fusion)"];

    [Fact]
    public void Validation_flags_a_miscompile_by_the_output_of_the_program()
    {
        using var env = new LlvmEnv(rewardSpace: "IrInstructionCount");
        env.Reset("benchmark://builtin-v0/matmul", new ResetOptions(CustomActions: s_actions));
        env.Step([0, 1]);
        var before = env.Validate();
        Assert.True(before.Ok, before.ToString());

        env.Step(2);
        var after = env.Validate();
        Assert.False(after.Ok);
        string error = Assert.Single(after.Errors);
        Assert.Contains(string.Join(", ", s_actions), error);
        Assert.Contains("stdout differs", error);
        Assert.Equal(after.ReplayedReward, env.State.Reward); // the replay itself reproduces
    }

    [Fact]
    public void A_state_that_replays_is_checked_the_same_way()
    {
        using var env = new LlvmEnv();
        env.Reset("benchmark://builtin-v0/matmul", new ResetOptions(CustomActions: s_actions));
        env.Step([0, 1, 2]);
        var state = EnvState.FromJson(env.State.ToJson());
        using var other = new LlvmEnv();
        Assert.False(other.Validate(state).Ok);
    }
}
