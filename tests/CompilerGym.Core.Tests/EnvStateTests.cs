using CompilerGym.Core.Envs;

namespace CompilerGym.Core.Tests;

public class EnvStateTests
{
    [Fact]
    public void Round_trips_through_json()
    {
        var state = new EnvState("benchmark://builtin-v0/crc32", "llvm-22-passes", ["mem2reg", "instcombine"], "IrInstructionCountOz", 0.25, 1.5);
        string json = state.ToJson();
        Assert.Contains("\"action_space\":\"llvm-22-passes\"", json);
        Assert.Equal(state, EnvState.FromJson(json));
    }

    [Fact]
    public void A_state_without_reward_space_round_trips()
    {
        var state = new EnvState("file:///tmp/x.ll", "llvm-22-passes", [], null, null, 0);
        Assert.Equal(state, EnvState.FromJson(state.ToJson()));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("null")]
    [InlineData("{\"benchmark\":\"\",\"action_space\":\"x\",\"actions\":[]}")]
    [InlineData("{\"benchmark\":\"b\",\"action_space\":\"x\"}")]
    [InlineData("{\"benchmark\":\"b\",\"action_space\":\"x\",\"actions\":\"mem2reg\"}")]
    public void Rejects_malformed_json(string json)
    {
        Assert.Throws<FormatException>(() => EnvState.FromJson(json));
    }
}
