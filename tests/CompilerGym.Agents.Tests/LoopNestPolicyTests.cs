using CompilerGym.Agents.Policies;
using CompilerGym.Agents.Search;
using CompilerGym.Core.Envs;
using CompilerGym.Mlir.Env;

namespace CompilerGym.Agents.Tests;

/// <summary>PPO's view of mlir-v0: loop-nest features, and the actions the env rules out masked away.</summary>
public class LoopNestPolicyTests : IDisposable
{
    private const string Matmul = "benchmark://mlir-linalg-v0/matmul?m=32&n=32&k=32";

    private readonly string _folder = Directory.CreateTempSubdirectory("cgym-ppo-mlir-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_features_are_the_log_scaled_loop_features_then_the_episode()
    {
        using var env = new MlirEnv();
        env.Reset(Matmul);
        Assert.Same(LoopNestFeatures.Instance, StateFeatures.For(env));
        int tile = env.ActionSpace.IndexOf("tile-d0-8");
        env.Step(tile);
        long[] loops = env.Observe(MlirSpaces.LoopFeatures).AsInt64Vector();
        var x = LoopNestFeatures.Instance.Encode(env, [tile], episodeLength: 4);

        Assert.Equal(LoopNestFeatures.Instance.Size(env, env.ActionSpace.N), x.Length);
        Assert.Equal(loops.Length + 1 + 2 * env.ActionSpace.N, x.Length);
        for (int i = 0; i < loops.Length; i++)
            Assert.Equal(loops[i] < 0 ? -1f : (float)(Math.Log(1 + loops[i]) / 5), x[i]);
        Assert.Equal(0.25f, x[loops.Length]);
        Assert.Equal(1f, x[loops.Length + 1 + tile]);
        Assert.Equal(1f, x[loops.Length + 1 + env.ActionSpace.N + tile]);
    }

    [Fact]
    public void A_policy_gives_no_probability_to_an_action_the_mask_rules_out_and_trains_with_the_mask()
    {
        var options = new PpoOptions
        {
            ActionSpace = "mlir-22-loop-nest", RewardSpace = MlirSpaces.LogSpeedup, TotalSteps = 8, Envs = 2, EpisodeLength = 4,
            EpisodesPerUpdate = 1, Minibatches = 2, UpdateEpochs = 1, Hidden = 16,
        };
        var updates = new List<PpoUpdate>();
        Ppo.Train(options, () => new MlirEnv(runtimeBudget: TimeSpan.Zero), [Matmul], _folder, onUpdate: updates.Add);
        Assert.True(double.IsFinite(Assert.Single(updates).PolicyLoss));

        using var policy = PpoPolicy.Load(_folder);
        using var env = new MlirEnv();
        env.Reset(Matmul);
        long[] mask = env.Observe(MlirSpaces.ActionMask).AsInt64Vector();
        double[] p = policy.ActionProbabilities(env, []);
        // A matmul has three loops: nothing acts on a fourth, nothing unrolls a loop not yet made,
        // and the whole 32×32×32 iteration space is too large to vectorize at once.
        foreach (string ruledOut in new[] { "tile-d3-8", "unroll-2", "vectorize" })
            Assert.Equal(0, mask[env.ActionSpace.IndexOf(ruledOut)]);
        for (int a = 0; a < p.Length; a++)
            Assert.True(mask[a] == 1 ? p[a] > 0 : p[a] == 0, $"{env.ActionSpace.Names![a]}: mask {mask[a]}, probability {p[a]}");
        Assert.Equal(1.0, p.Sum(), 1e-6);
    }

    [Fact]
    public void A_search_skips_actions_that_do_not_apply()
    {
        using var env = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        env.Reset(Matmul);
        var result = new RandomSearch().Run(env, new SearchOptions { CostObservation = MlirSpaces.LlvmInstructionCount, MaxEvaluations = 30, MaxEpisodeLength = 4, Seed = 3 });
        // Every step of the result applied, so it replays.
        using var replay = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        replay.Reset(Matmul);
        replay.Step([.. result.Steps.Select(s => s.ActionName)]);
        Assert.Equal(result.BestCost, replay.Observe(MlirSpaces.LlvmInstructionCount).AsDouble());
    }
}
