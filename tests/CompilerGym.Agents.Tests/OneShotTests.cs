using CompilerGym.Agents.Portfolios;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Observations;

namespace CompilerGym.Agents.Tests;

public class OneShotTests
{
    private const string Cost = LlvmObservations.IrInstructionCount, Qsort = "benchmark://builtin-v0/qsort";

    private static double CostAfter(IReadOnlyList<string> actions)
    {
        using var env = new LlvmEnv(actionSpace: LlvmActionSpace.Tune);
        env.Reset(Qsort);
        return env.StepByName(actions, new StepOptions([Cost])).Info.Observations[Cost].AsDouble();
    }

    [Fact]
    public void A_sequence_that_grows_the_program_after_Oz_stops_where_it_was_cheapest_and_its_env_holds_that_state()
    {
        // -O3 after -Oz inlines and unrolls: more instructions than -Oz alone.
        Assert.True(CostAfter(["Oz", "O3"]) > CostAfter(["Oz"]));
        var portfolio = new Portfolio(LlvmActionSpace.Tune, Cost, [["Oz", "O3"], ["O3"]], [], 1);
        using var env = new LlvmEnv(actionSpace: LlvmActionSpace.Tune);

        var shot = OneShot.Apply([env], Qsort, portfolio, Cost);

        Assert.Equal(["Oz"], shot.Actions);
        Assert.Equal(0, shot.Sequence);
        Assert.Equal(CostAfter(["Oz"]), shot.Cost);
        Assert.Equal(CostAfter([]), shot.StartCost);
        // The one env ran the second sequence last, so the first's prefix was made again in it.
        Assert.Same(env, shot.Holder);
        Assert.Equal(["Oz"], env.State.Actions);
        Assert.Equal(shot.Cost, env.Observe(Cost).AsDouble());
    }

    [Fact]
    public void Sequences_side_by_side_give_the_cheapest_and_the_env_that_ran_it_holds_it()
    {
        var portfolio = new Portfolio(LlvmActionSpace.Tune, Cost, [["O3"], ["Oz-no-inlining"]], [], 1);
        using var first = new LlvmEnv(actionSpace: LlvmActionSpace.Tune);
        using var second = new LlvmEnv(actionSpace: LlvmActionSpace.Tune);

        var shot = OneShot.Apply([first, second], Qsort, portfolio, Cost);

        int cheaper = CostAfter(["O3"]) <= CostAfter(["Oz-no-inlining"]) ? 0 : 1;
        Assert.Equal(cheaper, shot.Sequence);
        Assert.Equal(portfolio.Sequences[cheaper], shot.Actions);
        Assert.Same(cheaper == 0 ? first : second, shot.Holder);
        Assert.Equal(shot.Cost, shot.Holder.Observe(Cost).AsDouble());
    }
}
