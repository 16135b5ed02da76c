using CompilerGym.Agents.Search;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Tests;

namespace CompilerGym.Agents.Tests;

/// <summary>What every search promises: a lower cost, a sequence that reproduces it, determinism by seed, a kept budget.</summary>
public class SearchTests
{
    private const string Crc32 = "benchmark://builtin-v0/crc32";

    public static TheoryData<string> Searches => ["random", "greedy", "beam"];

    internal static ISearch Create(string name) => name switch
    {
        "random" => new RandomSearch(),
        "greedy" => new GreedySearch(),
        "beam" => new BeamSearch(maxWidth: 4),
        _ => throw new ArgumentException(name),
    };

    private static readonly SearchOptions s_small = new() { MaxEvaluations = 400, MaxEpisodeLength = 10, Seed = 1 };

    [Theory]
    [MemberData(nameof(Searches))]
    public void A_search_lowers_the_cost_with_a_sequence_that_replays_to_its_claims(string search)
    {
        using var env = new LlvmEnv();
        env.Reset(Crc32);
        var result = Create(search).Run(env, s_small);

        Assert.True(result.BestCost < result.InitialCost, $"{search}: {result.InitialCost} -> {result.BestCost}");
        Assert.InRange(result.Evaluations, 1, s_small.MaxEvaluations!.Value);
        Assert.InRange(result.Steps.Count, 1, s_small.MaxEpisodeLength);
        Assert.Equal(result.BestCost, result.Steps[^1].Cost);
        // The env is left in the state found.
        Assert.Equal(result.ActionNames, env.State.Actions);
        Assert.Equal(result.BestCost, env.Observe("IrInstructionCount").AsDouble());

        // A fresh env, stepped one action at a time, gives the cost claimed after every step.
        using var replay = new LlvmEnv();
        replay.Reset(Crc32);
        Assert.Equal(result.InitialCost, replay.Observe("IrInstructionCount").AsDouble());
        foreach (var step in result.Steps)
        {
            replay.Step(step.Action);
            Assert.Equal(step.Cost, replay.Observe("IrInstructionCount").AsDouble());
        }
        // And so does the stock opt-22 given the whole pipeline.
        Assert.Equal(result.BestCost, OptTool.InstructionCount(env.CurrentBenchmark!.BitcodePath, env.Pipeline));
    }

    [Theory]
    [MemberData(nameof(Searches))]
    public void A_search_is_deterministic_for_a_seed_and_a_step_budget(string search)
    {
        SearchResult Run(int seed)
        {
            using var env = new LlvmEnv();
            env.Reset(Crc32);
            return Create(search).Run(env, s_small with { MaxEvaluations = 250, Seed = seed });
        }
        var first = Run(7);
        var second = Run(7);
        Assert.Equal(first.ActionNames, second.ActionNames);
        Assert.Equal(first.Steps, second.Steps);
        Assert.Equal(first.Evaluations, second.Evaluations);
        if (search == "random") Assert.NotEqual(first.ActionNames, Run(8).ActionNames);
    }

    [Fact]
    public void Random_search_keeps_its_time_budget_and_needs_one()
    {
        using var env = new LlvmEnv();
        env.Reset(Crc32);
        var result = new RandomSearch().Run(env, new SearchOptions { TimeLimit = TimeSpan.FromMilliseconds(300) });
        // It runs until a step (about a millisecond on crc32) would no longer fit in the budget, and
        // then stops: the lower bound checks it spent most of it, the upper one only catches a
        // search that never stops.
        Assert.InRange(result.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(60));
        Assert.True(result.Evaluations > 0);
        Assert.Throws<ArgumentException>(() => new RandomSearch().Run(env, new SearchOptions()));
    }

    [Fact]
    public void Beam_search_is_never_worse_than_greedy_on_a_step_budget_and_its_wider_passes_do_better()
    {
        double Cost(ISearch search, int steps)
        {
            using var env = new LlvmEnv();
            env.Reset("benchmark://builtin-v0/sha256");
            return search.Run(env, new SearchOptions { MaxEvaluations = steps, MaxEpisodeLength = 16 }).BestCost;
        }
        // Its first pass (width 1) tries what greedy tries, in the same order.
        Assert.True(Cost(new BeamSearch(), 400) <= Cost(new GreedySearch(), 400));
        // On sha256 a beam of width 2 finds what greedy cannot (greedy stops after about 1,400 steps).
        Assert.True(Cost(new BeamSearch(maxWidth: 2), 3000) < Cost(new GreedySearch(), 3000));
    }
}
