using CompilerGym.Agents.Policies;
using TorchSharp;
using static TorchSharp.torch;

namespace CompilerGym.Agents.Tests;

public class PpoMathTests
{
    [Fact]
    public void Gae_matches_a_hand_computed_example()
    {
        // Two episodes: steps 0-2, then step 3 alone. γ = 0.9, λ = 0.8, γλ = 0.72.
        // t=3: δ = 1 - 0.3 = 0.7 (episode end: nothing bootstrapped), A = 0.7
        // t=2: δ = 2 - 0.1 = 1.9, A = 1.9
        // t=1: δ = 0 + 0.9·0.1 - 0.2 = -0.11, A = -0.11 + 0.72·1.9 = 1.258
        // t=0: δ = 1 + 0.9·0.2 - 0.5 = 0.68, A = 0.68 + 0.72·1.258 = 1.58576
        var (advantages, returns) = Ppo.Gae([1, 0, 2, 1], [0.5f, 0.2f, 0.1f, 0.3f], [false, false, true, true], 0.9, 0.8);
        Assert.Equal(new[] { 1.58576, 1.258, 1.9, 0.7 }, advantages.Select(a => (double)a), new Tolerance(1e-6));
        Assert.Equal(new[] { 2.08576, 1.458, 2.0, 1.0 }, returns.Select(r => (double)r), new Tolerance(1e-6));
    }

    [Fact]
    public void Gae_rejects_steps_that_stop_inside_an_episode()
    {
        Assert.Throws<ArgumentException>(() => Ppo.Gae([1, 2], [0, 0], [true, false], 0.99, 0.95));
        Assert.Throws<ArgumentException>(() => Ppo.Gae([1, 2], [0], [false, true], 0.99, 0.95));
    }

    [Fact]
    public void The_clipped_loss_stops_the_gradient_only_where_the_ratio_left_the_clip_in_the_advantages_direction()
    {
        using var scope = torch.NewDisposeScope();
        // Ratios 1, 1.5, 0.5, 1.5 against advantages +1, +1, -1, -1, clip 0.2:
        //  0: inside the clip, loss -A·ρ = -1, gradient -A·ρ = -1
        //  1: ρ > 1.2 with A > 0: clipped to -1.2, no gradient
        //  2: ρ < 0.8 with A < 0: clipped to 0.8, no gradient
        //  3: ρ > 1.2 with A < 0: the unclipped, larger loss 1.5 is kept, gradient 1.5
        var newLogProbs = torch.tensor(new[] { 0f, MathF.Log(1.5f), MathF.Log(0.5f), MathF.Log(1.5f) }, requires_grad: true);
        var oldLogProbs = torch.zeros(4);
        var advantages = torch.tensor(new[] { 1f, 1f, -1f, -1f });

        var loss = Ppo.ClippedPolicyLoss(newLogProbs, oldLogProbs, advantages, 0.2);
        loss.backward();

        Assert.Equal((-1 - 1.2 + 0.8 + 1.5) / 4, loss.item<float>(), 1e-6);
        Assert.Equal(new[] { -0.25, 0, 0, 0.375 }, newLogProbs.grad!.data<float>().ToArray().Select(g => (double)g), new Tolerance(1e-6));
    }

    [Fact]
    public void Sampling_follows_the_probabilities_and_never_picks_an_impossible_action()
    {
        double[] probabilities = [0.5, 0, 0.3, 0.2];
        var random = new Random(3);
        var counts = new int[4];
        for (int i = 0; i < 20_000; i++) counts[ActionSampling.Sample(probabilities, random)]++;
        Assert.Equal(0, counts[1]);
        for (int a = 0; a < 4; a++) Assert.InRange(counts[a] / 20_000.0, probabilities[a] - 0.02, probabilities[a] + 0.02);
        Assert.Equal(2, ActionSampling.Greedy([0.1, 0.2, 0.4, 0.3]));
        Assert.Throws<ArgumentException>(() => ActionSampling.Sample([0.0, 0.0], random));
    }

    [Fact]
    public void Each_pass_over_the_benchmarks_visits_each_once_in_a_seeded_order()
    {
        string[] benchmarks = ["a", "b", "c", "d", "e"];
        var first = Enumerable.Range(0, 5).Select(e => Ppo.BenchmarkOf(e, benchmarks, seed: 1)).ToList();
        var second = Enumerable.Range(5, 5).Select(e => Ppo.BenchmarkOf(e, benchmarks, seed: 1)).ToList();
        Assert.Equal(benchmarks, first.Order());
        Assert.Equal(benchmarks, second.Order());
        Assert.Equal(first, Enumerable.Range(0, 5).Select(e => Ppo.BenchmarkOf(e, benchmarks, seed: 1)));
        Assert.NotEqual(first, Enumerable.Range(0, 5).Select(e => Ppo.BenchmarkOf(e, benchmarks, seed: 2)));
    }
}
