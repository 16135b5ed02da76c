using CompilerGym.Agents.Search;
using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;
using CompilerGym.Llvm.Env;

namespace CompilerGym.Agents.Tests;

/// <summary>Searches given helper envs run their trials on them side by side, and find what they find alone.</summary>
public class SearchHelperTests
{
    private const string Program = "benchmark://builtin-v0/sha256";

    public static TheoryData<string> Searches => ["greedy", "beam"];

    [Theory]
    [MemberData(nameof(Searches))]
    public void A_search_with_helpers_finds_what_it_finds_alone_and_leaves_them_where_they_were(string search)
    {
        var options = new SearchOptions { MaxEvaluations = 300, MaxEpisodeLength = 8 };
        using var alone = new LlvmEnv();
        alone.Reset(Program);
        var expected = SearchTests.Create(search).Run(alone, options);

        using var env = new LlvmEnv();
        env.Reset(Program);
        var helpers = Enumerable.Range(0, 2).Select(_ => new CountingEnv(Started())).ToList();
        var result = SearchTests.Create(search).Run(env, options, helpers: helpers);

        Assert.Equal(expected.Steps, result.Steps);
        Assert.Equal(expected.Evaluations, result.Evaluations);
        Assert.Equal(expected.ActionNames, env.State.Actions);
        // Each helper tried some of the actions, on its copies, and is still in the start state.
        Assert.All(helpers, helper => Assert.InRange(helper.Trials, 1, expected.Evaluations - 1));
        Assert.All(helpers, helper => Assert.Empty(helper.State.Actions));
        foreach (var helper in helpers) helper.Dispose();
    }

    [Fact]
    public void A_helper_that_fails_fails_the_search_and_leaves_nothing_behind()
    {
        using var env = new LlvmEnv();
        env.Reset(Program);
        using var helper = new CountingEnv(Started()) { FailAfter = 5 };
        var failure = Assert.Throws<InvalidOperationException>(() =>
            new BeamSearch(maxWidth: 2).Run(env, new SearchOptions { MaxEvaluations = 300 }, helpers: [helper]));
        Assert.Equal("the helper failed", failure.Message);
        // The search's own env is where it started.
        Assert.Empty(env.State.Actions);
    }

    private static LlvmEnv Started()
    {
        var env = new LlvmEnv();
        env.Reset(Program);
        return env;
    }

    /// <summary>An env and its forks, counting the single actions they are stepped by (the trials), and failing after some if asked.</summary>
    private sealed class CountingEnv(ICompilerEnv inner, CountingEnv? root = null) : ICompilerEnv
    {
        private int _trials;
        private CountingEnv Root => root ?? this;

        public int Trials => Volatile.Read(ref Root._trials);
        public int? FailAfter { get; init; }

        public IReadOnlyList<Space> ActionSpaces => inner.ActionSpaces;
        public IReadOnlyList<Space> ObservationSpaces => inner.ObservationSpaces;
        public IReadOnlyList<Space> RewardSpaces => inner.RewardSpaces;
        public Space ActionSpace => inner.ActionSpace;
        public Space? ObservationSpace => inner.ObservationSpace;
        public Space? RewardSpace => inner.RewardSpace;
        public string? Benchmark => inner.Benchmark;
        public EnvState State => inner.State;

        public ResetResult Reset(string? benchmark = null, ResetOptions? options = null) => inner.Reset(benchmark, options);

        public StepResult Step(int action, StepOptions? options = null)
        {
            if (Interlocked.Increment(ref Root._trials) > Root.FailAfter) throw new InvalidOperationException("the helper failed");
            return inner.Step(action, options);
        }

        public StepResult Step(IReadOnlyList<int> actions, StepOptions? options = null) => inner.Step(actions, options);
        public Observation Observe(string observationSpace) => inner.Observe(observationSpace);
        public ICompilerEnv Fork() => new CountingEnv(inner.Fork(), Root);
        public string Commandline() => inner.Commandline();
        public ValidationResult Validate(EnvState? state = null) => inner.Validate(state);
        public void Dispose() => inner.Dispose();
    }
}
