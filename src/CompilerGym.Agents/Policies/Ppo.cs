using System.Diagnostics;
using CompilerGym.Core.Envs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CompilerGym.Agents.Policies;

/// <summary>One update of a PPO run: a row of its learning curve.</summary>
public sealed record PpoUpdate(
    int Update,
    int Updates,
    long Steps,
    double MeanEpisodeReward,
    double PolicyLoss,
    double ValueLoss,
    double Entropy,
    double ApproxKl,
    double ClipFraction,
    double LearningRate,
    double Seconds,
    double StepsPerSecond);

/// <summary>
/// Proximal Policy Optimization (Schulman et al. 2017) for pass ordering, shaped after CleanRL's
/// <c>ppo.py</c>: each update plays whole episodes in several environments at once, estimates
/// advantages with GAE, and takes a few epochs of minibatch steps on the clipped objective, a
/// value loss and an entropy bonus. An episode is <see cref="PpoOptions.EpisodeLength"/> actions
/// on one benchmark; the reward is the chosen reward space (IrInstructionCountOz by default).
/// Where the env observes an ActionMask (mlir-v0), the actions it rules out get no probability,
/// in acting and in the loss alike; an action that still fails to apply is a step with reward 0.
/// Every random choice comes from the seed, so a run (and a resumed run) repeats exactly.
/// </summary>
public static class Ppo
{
    /// <summary>
    /// Trains from scratch, or from the checkpoint in <paramref name="resumeFrom"/> up to
    /// <paramref name="options"/>' total steps, saving a checkpoint to <paramref name="checkpointFolder"/>
    /// every <paramref name="checkpointEvery"/> updates and at the end (also when cancelled).
    /// </summary>
    public static PpoCheckpoint Train(PpoOptions options, Func<ICompilerEnv> createEnv, IReadOnlyList<string> benchmarks,
        string checkpointFolder, string? resumeFrom = null, int checkpointEvery = 10, Action<PpoUpdate>? onUpdate = null,
        CancellationToken cancel = default) =>
        Train(options, count => new ThreadedEnvBatch(createEnv, count), benchmarks, checkpointFolder, resumeFrom, checkpointEvery, onUpdate, cancel);

    /// <summary>The same, with the envs stepped by the batch <paramref name="createEnvs"/> makes of as many envs as it is given.</summary>
    public static PpoCheckpoint Train(PpoOptions options, Func<int, IEnvBatch> createEnvs, IReadOnlyList<string> benchmarks,
        string checkpointFolder, string? resumeFrom = null, int checkpointEvery = 10, Action<PpoUpdate>? onUpdate = null,
        CancellationToken cancel = default)
    {
        var o = options;
        o.Validate();
        if (benchmarks.Count == 0) throw new ArgumentException("training needs at least one benchmark");
        if (checkpointEvery < 1) throw new ArgumentException("checkpoints are saved every 1 or more updates");
        torch.set_num_threads(o.TorchThreads);
        torch.manual_seed(o.Seed);

        using var envs = new VectorEnv(createEnvs(o.Envs), o.EpisodeLength);
        var actionSpace = envs.ActionSpace(o.ActionSpace);
        var resetOptions = new ResetOptions(o.ActionSpace, RewardSpace: o.RewardSpace);
        int actions = actionSpace.N, featureSize = envs.FeatureSize(actions);

        using var model = new ActorCritic(featureSize, actions, o.Hidden);
        using var optimizer = optim.Adam(model.parameters(), o.LearningRate, eps: 1e-5);
        var checkpoint = new PpoCheckpoint(o, o.ActionSpace, actionSpace.Names!, envs.Features.Encoding, featureSize, benchmarks, 0, 0, 0);
        if (resumeFrom is not null)
        {
            var saved = PpoCheckpoint.Load(resumeFrom);
            if (!saved.Actions.SequenceEqual(checkpoint.Actions) || saved.Options.Hidden != o.Hidden
                || saved.Features != checkpoint.Features || saved.FeatureSize != featureSize)
                throw new ArgumentException($"the checkpoint in '{resumeFrom}' was made for other actions, features or another network");
            model.load(Path.Combine(resumeFrom, PpoCheckpoint.ModelFile));
            PpoCheckpoint.LoadOptimizer(resumeFrom, optimizer);
            checkpoint = checkpoint with { Update = saved.Update, Steps = saved.Steps, Seconds = saved.Seconds };
        }

        var clock = Stopwatch.StartNew();
        long stepsAtStart = checkpoint.Steps;
        double secondsAtStart = checkpoint.Seconds;
        for (int update = checkpoint.Update + 1; update <= o.Updates && !cancel.IsCancellationRequested; update++)
        {
            double learningRate = o.AnnealLearningRate ? o.LearningRate * (1 - (update - 1.0) / o.Updates) : o.LearningRate;
            foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
            var random = new Random(ActionSampling.SeedFor(o.Seed, 0, update));

            var rollout = Collect(envs, model, o, actions, featureSize, update, benchmarks, resetOptions, random);
            var (advantages, returns) = Advantages(rollout, o);
            var stats = Optimize(model, optimizer, o, rollout, advantages, returns, random);

            checkpoint = checkpoint with
            {
                Update = update, Steps = checkpoint.Steps + o.StepsPerUpdate, Seconds = secondsAtStart + clock.Elapsed.TotalSeconds,
            };
            onUpdate?.Invoke(new PpoUpdate(update, o.Updates, checkpoint.Steps, rollout.EpisodeRewards.Average(),
                stats.PolicyLoss, stats.ValueLoss, stats.Entropy, stats.ApproxKl, stats.ClipFraction, learningRate,
                checkpoint.Seconds, (checkpoint.Steps - stepsAtStart) / clock.Elapsed.TotalSeconds));
            if (update % checkpointEvery == 0 || update == o.Updates || cancel.IsCancellationRequested)
                checkpoint.Save(checkpointFolder, model, optimizer);
        }
        return checkpoint;
    }

    /// <summary>The benchmark of a run's n-th episode: each pass over the list in its own seeded order.</summary>
    public static string BenchmarkOf(long episode, IReadOnlyList<string> benchmarks, int seed)
    {
        long pass = episode / benchmarks.Count;
        var order = benchmarks.ToArray();
        new Random(ActionSampling.SeedFor(seed, 1, pass)).Shuffle(order);
        return order[episode % benchmarks.Count];
    }

    /// <summary>
    /// What one update's episodes gave: step t of env e is at index t * envs + e. LogitMasks has
    /// a row per step when the envs mask actions, and is null when they do not.
    /// </summary>
    private sealed record Rollout(float[] Features, float[]? LogitMasks, long[] Actions, float[] LogProbs, float[] Values, float[] Rewards,
        bool[] EpisodeEnds, double[] EpisodeRewards);

    /// <summary>Plays <see cref="PpoOptions.EpisodesPerUpdate"/> whole episodes in every env, sampling from the policy.</summary>
    private static Rollout Collect(VectorEnv envs, ActorCritic model, PpoOptions o, int actions, int size, int update,
        IReadOnlyList<string> benchmarks, ResetOptions resetOptions, Random random)
    {
        int e = envs.Count, steps = o.EpisodesPerUpdate * o.EpisodeLength;
        var r = new Rollout(new float[steps * e * size], envs.Masked ? new float[steps * e * actions] : null, new long[steps * e], new float[steps * e],
            new float[steps * e], new float[steps * e], new bool[steps * e], new double[o.EpisodesPerUpdate * e]);
        for (int round = 0; round < o.EpisodesPerUpdate; round++)
        {
            long firstEpisode = ((long)(update - 1) * o.EpisodesPerUpdate + round) * e;
            var inputs = envs.Reset([.. Enumerable.Range(0, e).Select(i => BenchmarkOf(firstEpisode + i, benchmarks, o.Seed))], resetOptions);
            for (int s = 0; s < o.EpisodeLength; s++)
            {
                int t = round * o.EpisodeLength + s;
                var (logProbs, values) = Act(model, inputs, actions);
                var chosen = new int[e];
                for (int i = 0; i < e; i++)
                {
                    var row = logProbs.AsSpan(i * actions, actions);
                    chosen[i] = ActionSampling.Sample([.. row.ToArray().Select(lp => Math.Exp(lp))], random);
                    int k = t * e + i;
                    inputs[i].Features.CopyTo(r.Features, k * size);
                    if (r.LogitMasks is not null) inputs[i].LogitMask!.CopyTo(r.LogitMasks, k * actions);
                    r.Actions[k] = chosen[i];
                    r.LogProbs[k] = row[chosen[i]];
                    r.Values[k] = values[i];
                }
                var (rewards, next) = envs.Step(chosen);
                for (int i = 0; i < e; i++)
                {
                    r.Rewards[t * e + i] = (float)rewards[i];
                    r.EpisodeEnds[t * e + i] = s == o.EpisodeLength - 1;
                    r.EpisodeRewards[round * e + i] += rewards[i];
                }
                inputs = next;
            }
        }
        return r;
    }

    /// <summary>The policy's log-probabilities (masked actions get none) and the critic's values for a batch of states, without gradients.</summary>
    private static (float[] LogProbs, float[] Values) Act(ActorCritic model, PolicyInput[] inputs, int actions)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var features = torch.tensor(inputs.SelectMany(x => x.Features).ToArray(), [inputs.Length, inputs[0].Features.Length]);
        var (logits, values) = model.forward(features);
        if (inputs[0].LogitMask is not null)
            logits += torch.tensor(inputs.SelectMany(x => x.LogitMask!).ToArray(), [inputs.Length, actions]);
        return (nn.functional.log_softmax(logits, 1).data<float>().ToArray(), values.data<float>().ToArray());
    }

    /// <summary>GAE for each env's sequence of steps (the rollout's columns).</summary>
    private static (float[] Advantages, float[] Returns) Advantages(Rollout r, PpoOptions o)
    {
        int envs = o.Envs, steps = r.Rewards.Length / envs;
        var advantages = new float[r.Rewards.Length];
        var returns = new float[r.Rewards.Length];
        for (int i = 0; i < envs; i++)
        {
            float[] Column(float[] a) => [.. Enumerable.Range(0, steps).Select(t => a[t * envs + i])];
            var ends = Enumerable.Range(0, steps).Select(t => r.EpisodeEnds[t * envs + i]).ToArray();
            var (adv, ret) = Gae(Column(r.Rewards), Column(r.Values), ends, o.Gamma, o.GaeLambda);
            for (int t = 0; t < steps; t++)
            {
                advantages[t * envs + i] = adv[t];
                returns[t * envs + i] = ret[t];
            }
        }
        return (advantages, returns);
    }

    /// <summary>
    /// Generalized advantage estimation (Schulman et al. 2016) over one env's steps: δ_t = r_t +
    /// γ V(s_{t+1}) − V(s_t), A_t = δ_t + γλ A_{t+1}, both cut at an episode's end (nothing is
    /// bootstrapped past it); returns A_t + V(s_t) are the critic's targets. The steps must end
    /// with an episode's end, as every rollout here does.
    /// </summary>
    public static (float[] Advantages, float[] Returns) Gae(float[] rewards, float[] values, bool[] episodeEnds, double gamma, double lambda)
    {
        int n = rewards.Length;
        if (values.Length != n || episodeEnds.Length != n || n == 0 || !episodeEnds[^1])
            throw new ArgumentException("GAE needs rewards, values and episode ends of one length, ending with an episode's end");
        var advantages = new float[n];
        var returns = new float[n];
        double next = 0;
        for (int t = n - 1; t >= 0; t--)
        {
            double nextValue = episodeEnds[t] ? 0 : values[t + 1];
            double carried = episodeEnds[t] ? 0 : next;
            double delta = rewards[t] + gamma * nextValue - values[t];
            next = delta + gamma * lambda * carried;
            advantages[t] = (float)next;
            returns[t] = (float)(next + values[t]);
        }
        return (advantages, returns);
    }

    /// <summary>
    /// PPO's clipped surrogate loss: mean of max(−A·ρ, −A·clip(ρ, 1 − ε, 1 + ε)) with ρ the
    /// probability ratio of the new policy to the one that acted. A ratio pushed past the clip in
    /// the advantage's direction gives no gradient, so one batch cannot move the policy far.
    /// </summary>
    public static Tensor ClippedPolicyLoss(Tensor newLogProbs, Tensor oldLogProbs, Tensor advantages, double clip)
    {
        var ratio = (newLogProbs - oldLogProbs).exp();
        var unclipped = -advantages * ratio;
        var clipped = -advantages * ratio.clamp(1 - clip, 1 + clip);
        return torch.maximum(unclipped, clipped).mean();
    }

    private sealed record Stats(double PolicyLoss, double ValueLoss, double Entropy, double ApproxKl, double ClipFraction);

    /// <summary>Epochs of minibatch gradient steps on one rollout; the means of each term over all minibatches.</summary>
    private static Stats Optimize(ActorCritic model, Adam optimizer, PpoOptions o, Rollout r, float[] advantages, float[] returns, Random random)
    {
        int batch = r.Actions.Length, minibatch = batch / o.Minibatches, size = r.Features.Length / batch;
        using var scope = torch.NewDisposeScope();
        var features = torch.tensor(r.Features, [batch, size]);
        var masks = r.LogitMasks is null ? null : torch.tensor(r.LogitMasks, [batch, r.LogitMasks.Length / batch]);
        var actions = torch.tensor(r.Actions);
        var oldLogProbs = torch.tensor(r.LogProbs);
        var allAdvantages = torch.tensor(advantages);
        var allReturns = torch.tensor(returns);
        double policyLoss = 0, valueLoss = 0, entropy = 0, approxKl = 0, clipFraction = 0;
        int count = 0;
        var order = Enumerable.Range(0, batch).Select(i => (long)i).ToArray();
        for (int epoch = 0; epoch < o.UpdateEpochs; epoch++)
        {
            random.Shuffle(order);
            for (int start = 0; start < batch; start += minibatch)
            {
                using var step = torch.NewDisposeScope();
                var index = torch.tensor(order[start..(start + minibatch)]);
                var (logits, values) = model.forward(features.index_select(0, index));
                var logProbs = nn.functional.log_softmax(masks is null ? logits : logits + masks.index_select(0, index), 1);
                var newLogProbs = logProbs.gather(1, actions.index_select(0, index).unsqueeze(1)).squeeze(1);
                var entropyTerm = -(logProbs.exp() * logProbs).sum(1).mean();
                var adv = allAdvantages.index_select(0, index);
                if (o.NormalizeAdvantages) adv = (adv - adv.mean()) / (adv.std() + 1e-8);
                var old = oldLogProbs.index_select(0, index);
                var pgLoss = ClippedPolicyLoss(newLogProbs, old, adv, o.ClipCoefficient);
                var vLoss = 0.5 * (values - allReturns.index_select(0, index)).pow(2).mean();
                var loss = pgLoss - o.EntropyCoefficient * entropyTerm + o.ValueCoefficient * vLoss;

                optimizer.zero_grad();
                loss.backward();
                nn.utils.clip_grad_norm_(model.parameters(), o.MaxGradNorm);
                optimizer.step();

                using (torch.no_grad())
                {
                    // CleanRL's low-variance KL estimate, and how often the clip was active.
                    var logRatio = newLogProbs - old;
                    var ratio = logRatio.exp();
                    approxKl += ((ratio - 1) - logRatio).mean().item<float>();
                    clipFraction += (ratio - 1).abs().gt(o.ClipCoefficient).to(ScalarType.Float32).mean().item<float>();
                }
                policyLoss += pgLoss.item<float>();
                valueLoss += vLoss.item<float>();
                entropy += entropyTerm.item<float>();
                count++;
            }
        }
        return new Stats(policyLoss / count, valueLoss / count, entropy / count, approxKl / count, clipFraction / count);
    }
}
