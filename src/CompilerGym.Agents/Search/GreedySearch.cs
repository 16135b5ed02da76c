using CompilerGym.Agents.Policies;
using CompilerGym.Core.Envs;

namespace CompilerGym.Agents.Search;

/// <summary>
/// Greedy search: in each state try every action (or, with a policy, its
/// <see cref="SearchOptions.PolicyTopK"/> most probable ones) on a fork, take the one that lowers
/// the cost most, and stop when none lowers it, at the longest sequence or when the budget runs out.
/// Given helper envs, it tries a state's actions side by side on them, with the same result.
/// </summary>
public sealed class GreedySearch : ISearch
{
    public string Name => "greedy";

    public SearchResult Run(ICompilerEnv env, SearchOptions options, IActionPolicy? policy = null, Action<SearchProgress>? progress = null,
        IReadOnlyList<ICompilerEnv>? helpers = null)
    {
        using var run = new SearchRun(env, options, policy, progress, helpers);
        var steps = new List<SearchStep>();
        var current = env; // the caller's env until a step is taken, then a fork this search owns
        try
        {
            while (steps.Count < options.MaxEpisodeLength && !run.Exhausted)
            {
                (ICompilerEnv? Env, int Action, double Cost) best = (null, -1, run.BestCost);
                int[] path = [.. steps.Select(s => s.Action)];
                try
                {
                    run.TryEach(current, path, run.Candidates(current, path), (action, child, cost) =>
                    {
                        if (cost < best.Cost)
                        {
                            best.Env?.Dispose();
                            best = (child, action, cost);
                        }
                        else child.Dispose();
                    });
                }
                catch
                {
                    best.Env?.Dispose();
                    throw;
                }
                if (best.Env is null) break;
                if (!ReferenceEquals(current, env)) current.Dispose();
                current = best.Env;
                steps.Add(new SearchStep(best.Action, run.ActionNames[best.Action], best.Cost));
                run.Offer(steps, best.Cost);
            }
        }
        finally
        {
            if (!ReferenceEquals(current, env)) current.Dispose();
        }
        return run.Finish();
    }
}
