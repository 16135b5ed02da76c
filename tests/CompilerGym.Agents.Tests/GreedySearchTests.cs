using CompilerGym.Agents.Search;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Tests;

namespace CompilerGym.Agents.Tests;

public class GreedySearchTests
{
    [Fact]
    public void Greedy_search_lowers_the_cost_step_by_step_and_opt_reproduces_it()
    {
        using var env = new LlvmEnv();
        env.Reset("benchmark://builtin-v0/crc32");
        var result = new GreedySearch().Run(env, new SearchOptions { MaxEpisodeLength = 8 });

        Assert.NotEmpty(result.Steps);
        // Each accepted step strictly lowers the cost, and the env ends in the state found.
        var costs = new[] { result.InitialCost }.Concat(result.Steps.Select(s => s.Cost)).ToList();
        Assert.All(costs.Zip(costs.Skip(1)), pair => Assert.True(pair.Second < pair.First));
        Assert.Equal(result.ActionNames, env.State.Actions);
        Assert.Equal(result.BestCost, env.Observe("IrInstructionCount").AsDouble());
        // Every action is tried once per round; a last round finds nothing when the search stops early.
        Assert.Contains(result.Evaluations, new[] { result.Steps.Count, result.Steps.Count + 1 }.Select(r => r * env.ActionSpace.N));

        // The reported pipeline gives the reported instruction count with the stock opt-22.
        Assert.Equal(result.BestCost, OptTool.InstructionCount(env.CurrentBenchmark!.BitcodePath, env.Pipeline));
    }
}
