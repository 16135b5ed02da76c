using CompilerGym.Agents.Portfolios;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Observations;

namespace CompilerGym.Agents.Tests;

public class PortfolioLearnerTests
{
    private const string Cost = LlvmObservations.IrInstructionCount;
    private static readonly string[] s_programs = ["benchmark://builtin-v0/crc32", "benchmark://builtin-v0/qsort", "benchmark://builtin-v0/md5"];

    [Fact]
    public void A_learned_portfolio_reaches_on_fresh_envs_the_ratio_it_claims_and_never_worse_than_its_reference()
    {
        var starts = LlvmEnvSpec.Instance.FloorActions(LlvmActionSpace.Tune);
        var envs = s_programs.Select(p =>
        {
            var env = new LlvmEnv();
            env.Reset(p, new ResetOptions(ActionSpace: LlvmActionSpace.Tune));
            return env;
        }).ToList();
        Portfolio portfolio;
        try
        {
            portfolio = PortfolioLearner.Learn(envs, LlvmActionSpace.Tune, Cost, starts, new PortfolioOptions(Sequences: 2, MaxLength: 3));
        }
        finally
        {
            foreach (var env in envs) env.Dispose();
        }

        Assert.Equal(2, portfolio.Sequences.Count);
        Assert.All(portfolio.Sequences, s =>
        {
            Assert.InRange(s.Count, 1, 3);
            Assert.Contains(s[0], starts);
            Assert.DoesNotContain(s.Skip(1), starts.Contains);
        });
        Assert.Equal(s_programs, portfolio.TrainedOn);

        // Each program takes its cheapest sequence, replayed from scratch; -Oz is the reference.
        double CostAfter(string program, IReadOnlyList<string> actions)
        {
            using var env = new LlvmEnv();
            env.Reset(program, new ResetOptions(ActionSpace: LlvmActionSpace.Tune));
            return env.StepByName(actions, new StepOptions([Cost])).Info.Observations[Cost].AsDouble();
        }
        double ratio = Math.Exp(s_programs.Average(p => Math.Log(portfolio.Sequences.Min(s => CostAfter(p, s)) / CostAfter(p, [starts[0]]))));
        Assert.Equal(ratio, portfolio.TrainingRatio, 9);
        Assert.True(ratio <= 1, $"{ratio}");

        Assert.Equal(portfolio.ToJson(), Portfolio.FromJson(portfolio.ToJson(), "test").ToJson());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"actionSpace\":\"llvm-22-tune\",\"cost\":\"IrInstructionCount\",\"sequences\":[]}")]
    [InlineData("{\"actionSpace\":\"llvm-22-tune\",\"cost\":\"IrInstructionCount\",\"sequences\":[[]]}")]
    public void A_malformed_portfolio_is_refused_with_its_origin(string json)
    {
        var error = Assert.Throws<ArgumentException>(() => Portfolio.FromJson(json, "given.json"));
        Assert.Contains("given.json is not a portfolio", error.Message);
    }
}
