using CompilerGym.Agents.Search;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Features;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Agents.Tests;

public class GreedySearchTests
{
    [Fact]
    public void Greedy_search_lowers_the_cost_step_by_step_and_opt_reproduces_it()
    {
        using var env = new LlvmEnv();
        env.Reset("benchmark://builtin-v0/crc32");
        var result = GreedySearch.Run(env, "IrInstructionCount", maxSteps: 8);

        Assert.NotEmpty(result.Steps);
        Assert.True(result.FinalCost < result.InitialCost);
        // Each accepted step strictly lowers the cost, and the env ends in the state found.
        var costs = new[] { result.InitialCost }.Concat(result.Steps.Select(s => s.Cost)).ToList();
        Assert.All(costs.Zip(costs.Skip(1)), pair => Assert.True(pair.Second < pair.First));
        Assert.Equal(result.Steps.Select(s => s.ActionName), env.State.Actions);
        Assert.Equal(result.FinalCost, env.Observe("IrInstructionCount").AsDouble());
        // Every action is tried once per round; a last round finds nothing when the search stops early.
        Assert.Contains(result.Evaluations, new[] { result.Steps.Count, result.Steps.Count + 1 }.Select(r => r * env.ActionSpace.N));

        // The reported pipeline gives the reported instruction count with the stock opt-22.
        var opt = ProcessRunner.Run(LlvmTools.Opt, [$"-passes={env.Pipeline}", env.CurrentBenchmark!.BitcodePath, "-S", "-o", "-"], TimeSpan.FromMinutes(1));
        Assert.True(opt.ExitCode == 0, opt.Stderr);
        using var module = LlvmModule.ParseIr(opt.Stdout, "opt-output");
        Assert.Equal(result.FinalCost, InstCount.InstructionCount(module));
    }
}
