using CompilerGym.Agents.Policies;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Env;
using TorchSharp;
using static TorchSharp.torch;

namespace CompilerGym.Agents.Tests;

public class PpoTrainingTests : IDisposable
{
    private static readonly string[] s_benchmarks = ["benchmark://builtin-v0/crc32", "benchmark://builtin-v0/qsort"];

    // Three updates of two envs playing one 5-step episode each: a run of seconds.
    private static readonly PpoOptions s_tiny = new()
    {
        TotalSteps = 30, Envs = 2, EpisodeLength = 5, EpisodesPerUpdate = 1, Minibatches = 2, UpdateEpochs = 2, Hidden = 16,
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("cgym-ppo-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ICompilerEnv CreateEnv() => new LlvmEnv();

    /// <summary>A run's updates, without the wall times (the only part that may differ between runs).</summary>
    private static List<PpoUpdate> Train(PpoOptions options, string folder, string? resumeFrom = null, int stopAfter = int.MaxValue)
    {
        var updates = new List<PpoUpdate>();
        using var stop = new CancellationTokenSource();
        Ppo.Train(options, CreateEnv, s_benchmarks, folder, resumeFrom, checkpointEvery: 100, update =>
        {
            updates.Add(update with { Seconds = 0, StepsPerSecond = 0 });
            if (update.Update == stopAfter) stop.Cancel();
        }, stop.Token);
        return updates;
    }

    [Fact]
    public void A_tiny_run_repeats_exactly_by_seed_and_differs_with_another()
    {
        var first = Train(s_tiny, Path.Combine(_folder, "a"));
        var again = Train(s_tiny, Path.Combine(_folder, "b"));
        var other = Train(s_tiny with { Seed = 2 }, Path.Combine(_folder, "c"));

        Assert.Equal(3, first.Count);
        Assert.Equal(new[] { 10L, 20L, 30L }, first.Select(u => u.Steps));
        Assert.Equal(first, again);
        Assert.NotEqual(first.Select(u => u.MeanEpisodeReward), other.Select(u => u.MeanEpisodeReward));
        // The policy moved: its updates were not empty, and the learning rate was annealed.
        Assert.All(first, u => Assert.True(u.ApproxKl > 0 && u.ValueLoss > 0, $"update {u.Update}: {u}"));
        Assert.Equal(new[] { 5e-4, 5e-4 * 2 / 3, 5e-4 / 3 }, first.Select(u => u.LearningRate), new Tolerance(1e-12));
    }

    [Fact]
    public void Training_on_one_program_raises_its_episode_reward()
    {
        // Random passes save about a third of -Oz's saving on crc32 in 10 steps; the policy learns to do better.
        var options = new PpoOptions { TotalSteps = 1600, Envs = 4, EpisodeLength = 10, LearningRate = 3e-3, Hidden = 32 };
        var updates = new List<PpoUpdate>();
        Ppo.Train(options, CreateEnv, ["benchmark://builtin-v0/crc32"], _folder, onUpdate: updates.Add);
        double start = updates.Take(4).Average(u => u.MeanEpisodeReward), end = updates.TakeLast(4).Average(u => u.MeanEpisodeReward);
        Assert.True(end > start + 0.1, $"mean episode reward {start:F3} in the first updates, {end:F3} in the last");
        Assert.True(updates[^1].Entropy < updates[0].Entropy, "the policy became more certain");
    }

    [Fact]
    public void A_resumed_run_continues_exactly_as_the_uninterrupted_one()
    {
        string whole = Path.Combine(_folder, "whole"), parts = Path.Combine(_folder, "parts");
        var uninterrupted = Train(s_tiny, whole);
        var before = Train(s_tiny, parts, stopAfter: 2);
        Assert.Equal(2, PpoCheckpoint.Load(parts).Update);
        var after = Train(s_tiny, parts, resumeFrom: parts);

        Assert.Equal(uninterrupted, before.Concat(after));
        using var a = PpoPolicy.Load(whole);
        using var b = PpoPolicy.Load(parts);
        using var env = new LlvmEnv();
        env.Reset(s_benchmarks[0]);
        Assert.Equal(a.ActionProbabilities(env, []), b.ActionProbabilities(env, []));
    }

    [Fact]
    public void A_saved_network_loads_with_the_same_action_probabilities()
    {
        using var env = new LlvmEnv();
        env.Reset(s_benchmarks[1]);
        int actions = env.ActionSpace.N, size = AutophaseFeatures.Size(actions);
        torch.manual_seed(5);
        using var model = new ActorCritic(size, actions, 16);
        using var optimizer = torch.optim.Adam(model.parameters());
        new PpoCheckpoint(s_tiny with { Hidden = 16 }, env.ActionSpace.Name, env.ActionSpace.Names!, AutophaseFeatures.Instance.Encoding, size, s_benchmarks, 0, 0, 0)
            .Save(_folder, model, optimizer);

        int[] history = [env.ActionSpace.IndexOf("sroa"), env.ActionSpace.IndexOf("instcombine")];
        env.Step(history);
        double[] expected;
        using (torch.NewDisposeScope())
        {
            var features = AutophaseFeatures.Instance.Encode(env, history, s_tiny.EpisodeLength);
            expected = [.. nn.functional.softmax(model.Logits(torch.tensor(features, [1, size])), 1).to(ScalarType.Float64).data<double>()];
        }
        using var policy = PpoPolicy.Load(_folder);
        var probabilities = policy.ActionProbabilities(env, history);

        Assert.Equal(expected, probabilities);
        Assert.Equal(1.0, probabilities.Sum(), 1e-6);
        // A policy refuses an env whose actions are not the ones it learned.
        env.Reset(s_benchmarks[1], new ResetOptions(ActionSpace: "llvm-22-oz-subsequences"));
        Assert.Throws<ArgumentException>(() => policy.ActionProbabilities(env, []));
    }

    [Fact]
    public void The_best_of_random_rollouts_is_a_state_whose_replay_gives_its_reward()
    {
        using var env = new LlvmEnv(rewardSpace: "IrInstructionCountOz");
        env.Reset(s_benchmarks[0]);
        var result = PolicyRollout.BestOf(env, new UniformPolicy(env.ActionSpace.Name), steps: 10, budget: 25, new Random(4));

        Assert.Equal(25, result.Steps);
        Assert.InRange(result.Actions.Count, 1, 10);
        env.Reset();
        double replayed = result.Actions.Sum(a => env.Step(a).Reward!.Value);
        Assert.Equal(result.Reward, replayed, 1e-12);
        Assert.True(result.Reward > 0);
    }
}
