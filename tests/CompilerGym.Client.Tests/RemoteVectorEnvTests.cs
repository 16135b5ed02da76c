using CompilerGym.Core.Envs;
using CompilerGym.Service.Tests;

namespace CompilerGym.Client.Tests;

/// <summary>A batched step or reset of N remote sessions gives what N remote envs' own steps and resets give.</summary>
[Collection(ServerCollection.Name)]
public class RemoteVectorEnvTests(TestServer server)
{
    private static readonly string[] s_benchmarks = ["benchmark://builtin-v0/crc32", "benchmark://builtin-v0/qsort", "benchmark://builtin-v0/crc32"];
    private static readonly string[] s_actions = ["mem2reg", "instcombine", "simplifycfg", "gvn", "licm", "adce", "sroa", "inline"];

    [Fact]
    public void Batched_steps_give_the_observations_and_rewards_of_separate_envs()
    {
        using var vector = new RemoteVectorEnv(server.Address, s_benchmarks.Length, observationSpace: "IrInstructionCount", rewardSpace: "IrInstructionCountOz");
        var separate = s_benchmarks.Select(_ => new RemoteEnv(server.Address, observationSpace: "IrInstructionCount", rewardSpace: "IrInstructionCountOz")).ToList();
        try
        {
            var resets = vector.Reset(s_benchmarks);
            for (int i = 0; i < s_benchmarks.Length; i++) Assert.Equal(separate[i].Reset(s_benchmarks[i]).Observation, resets[i].Observation);
            var random = new Random(3);
            var extras = new StepOptions(["Autophase"], ["IrInstructionCountO3"]);
            for (int step = 0; step < 6; step++)
            {
                // Each env its own action, so a mix-up between sessions shows.
                int[] actions = [.. s_benchmarks.Select(_ => vector.Envs[0].ActionSpace.IndexOf(s_actions[random.Next(s_actions.Length)]))];
                var batched = vector.TryStep(actions, extras);
                for (int i = 0; i < actions.Length; i++)
                {
                    var alone = separate[i].Step(actions[i], extras);
                    Assert.NotNull(batched[i]);
                    Assert.Equal(alone.Observation, batched[i]!.Observation);
                    Assert.Equal(alone.Reward, batched[i]!.Reward);
                    Assert.Equal(alone.Info.Observations, batched[i]!.Info.Observations);
                    Assert.Equal(alone.Info.Rewards, batched[i]!.Info.Rewards);
                }
            }
            for (int i = 0; i < s_benchmarks.Length; i++) Assert.Equal(separate[i].State.Actions, vector.Envs[i].State.Actions);

            // Started, the envs reset by one batched call: each to its own benchmark (null: the same), with the options.
            string?[] next = [s_benchmarks[1], s_benchmarks[0], null];
            var options = new ResetOptions(ObservationSpace: "Autophase");
            var again = vector.Reset(next, options);
            for (int i = 0; i < next.Length; i++)
            {
                var alone = separate[i].Reset(next[i], options);
                Assert.Equal(alone.Observation, again[i].Observation);
                Assert.Equal(next[i] ?? s_benchmarks[i], again[i].Info.Benchmark);
                Assert.Equal(again[i].Info.Benchmark, vector.Envs[i].Benchmark);
                Assert.Equal("Autophase", vector.Envs[i].ObservationSpace?.Name);
                Assert.Empty(vector.Envs[i].State.Actions);
            }
        }
        finally { separate.ForEach(e => e.Dispose()); }
    }

    [Fact]
    public void A_failed_step_throws_what_an_envs_own_step_throws_and_the_others_still_step()
    {
        using var vector = new RemoteVectorEnv(server.Address, 2);
        vector.Reset(["benchmark://builtin-v0/crc32", "benchmark://builtin-v0/crc32"]);
        int mem2reg = vector.Envs[0].ActionSpace.IndexOf("mem2reg");
        Assert.Throws<Core.Spaces.UnknownNameException>(() => vector.Envs[1].Step(10_000));
        Assert.Throws<Core.Spaces.UnknownNameException>(() => vector.TryStep([mem2reg, 10_000]));
        Assert.Equal(["mem2reg"], vector.Envs[0].State.Actions);
        Assert.Empty(vector.Envs[1].State.Actions);
        Assert.Throws<ArgumentException>(() => vector.TryStep([mem2reg]));
    }

    [Fact]
    public void A_failed_reset_throws_what_an_envs_own_reset_throws_and_the_others_still_reset()
    {
        const string missing = "benchmark://builtin-v0/no-such-program";
        using var vector = new RemoteVectorEnv(server.Address, 2);
        vector.Reset(["benchmark://builtin-v0/crc32", "benchmark://builtin-v0/crc32"]);
        int mem2reg = vector.Envs[0].ActionSpace.IndexOf("mem2reg");
        vector.TryStep([mem2reg, mem2reg]);
        var own = Assert.Throws<Core.Spaces.UnknownNameException>(() => vector.Envs[1].Reset(missing));
        var batched = Assert.Throws<Core.Spaces.UnknownNameException>(() => vector.Reset(["benchmark://builtin-v0/qsort", missing]));
        Assert.Equal(own.Message, batched.Message);
        Assert.Equal(("benchmark://builtin-v0/qsort", 0), (vector.Envs[0].Benchmark, vector.Envs[0].State.Actions.Count));
        Assert.Equal(("benchmark://builtin-v0/crc32", 1), (vector.Envs[1].Benchmark, vector.Envs[1].State.Actions.Count));
        Assert.Throws<ArgumentException>(() => vector.Reset([null]));
    }
}
