using CompilerGym.Agents.Policies;
using CompilerGym.Agents.Search;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Env;

namespace CompilerGym.Agents.Tests;

/// <summary>Policy-guided searches try only what the policy proposes, and tell it the history of the state it is asked about.</summary>
public class PolicyGuidedSearchTests
{
    /// <summary>Spreads its mass evenly over a few named actions and records the histories it is shown.</summary>
    private sealed class FavouringPolicy(params string[] favoured) : IActionPolicy
    {
        public string ActionSpace { get; init; } = LlvmActionSpace.Passes;
        public List<string[]> Histories { get; } = [];

        public double[] ActionProbabilities(ICompilerEnv env, IReadOnlyList<int> history)
        {
            Histories.Add([.. history.Select(a => env.ActionSpace.Names![a])]);
            var p = new double[env.ActionSpace.N];
            foreach (string name in favoured) p[env.ActionSpace.IndexOf(name)] = 1.0 / favoured.Length;
            return p;
        }
    }

    private static readonly SearchOptions s_options = new() { MaxEvaluations = 200, MaxEpisodeLength = 8, Seed = 2 };

    private static (SearchResult, LlvmEnv) Run(string search, IActionPolicy policy)
    {
        var env = new LlvmEnv();
        env.Reset("benchmark://builtin-v0/crc32");
        return (SearchTests.Create(search).Run(env, s_options, policy), env);
    }

    [Theory]
    [MemberData(nameof(SearchTests.Searches), MemberType = typeof(SearchTests))]
    public void A_policy_with_all_its_mass_on_one_action_gives_that_action(string search)
    {
        var (result, env) = Run(search, new FavouringPolicy("mem2reg"));
        using (env)
        {
            // mem2reg lowers the cost once; after it, it changes nothing, so the sequence is just it.
            Assert.Equal(["mem2reg"], result.ActionNames);
            Assert.True(result.BestCost < result.InitialCost);
            if (search != "random") Assert.Equal(2, result.Evaluations);
        }
    }

    [Theory]
    [MemberData(nameof(SearchTests.Searches), MemberType = typeof(SearchTests))]
    public void Only_the_policys_actions_are_tried_and_it_sees_each_states_history(string search)
    {
        string[] favoured = ["mem2reg", "instcombine", "simplifycfg", "gvn"];
        var policy = new FavouringPolicy(favoured);
        var (result, env) = Run(search, policy);
        using (env)
        {
            Assert.NotEmpty(result.Steps);
            Assert.All(result.ActionNames, name => Assert.Contains(name, favoured));
            Assert.All(policy.Histories, history => Assert.All(history, name => Assert.Contains(name, favoured)));
            // Asked first about the start state; greedy and beam were asked about the state the best one came from.
            Assert.Empty(policy.Histories[0]);
            if (search != "random") Assert.Contains(policy.Histories, h => h.SequenceEqual(result.ActionNames.SkipLast(1)));
        }
    }

    [Fact]
    public void A_policy_for_another_action_space_is_refused()
    {
        var policy = new FavouringPolicy("sroa") { ActionSpace = LlvmActionSpace.OzSubsequences };
        Assert.Throws<ArgumentException>(() => Run("greedy", policy));
    }
}
