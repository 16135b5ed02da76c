using CompilerGym.Agents.Policies;
using CompilerGym.Core.Envs;

namespace CompilerGym.Agents.Search;

/// <summary>
/// Random search: episodes of random actions from the start state (drawn uniformly, or from a
/// policy), each at most <see cref="SearchOptions.MaxEpisodeLength"/> long, until the budget runs
/// out; the result is the cheapest prefix of any episode. Needs a step or time budget. Its episodes
/// run one after another on the env alone: each draw depends on the ones before, and it is the
/// search of costs measured by running the program, which trials side by side would disturb.
/// </summary>
public sealed class RandomSearch : ISearch
{
    public string Name => "random";

    public SearchResult Run(ICompilerEnv env, SearchOptions options, IActionPolicy? policy = null, Action<SearchProgress>? progress = null,
        IReadOnlyList<ICompilerEnv>? helpers = null)
    {
        if (options.MaxEvaluations is null && options.TimeLimit is null)
            throw new ArgumentException("random search needs a step or time budget");
        using var run = new SearchRun(env, options, policy, progress);
        var random = new Random(options.Seed);
        while (!run.Exhausted)
        {
            using var episode = env.Fork();
            var history = new List<int>();
            var steps = new List<SearchStep>();
            while (history.Count < options.MaxEpisodeLength && !run.Exhausted)
            {
                int action = run.Sample(random, episode, history);
                // An action drawn that the time left cannot afford ends the search, not just the episode.
                if (!run.Affords(action)) return run.Finish();
                history.Add(action);
                var (changed, cost) = run.Step(episode, action);
                // An action that changed nothing is left out of the sequence: the rest acts on the same program.
                if (!changed) continue;
                steps.Add(new SearchStep(action, run.ActionNames[action], cost));
                run.Offer(steps, cost);
            }
        }
        return run.Finish();
    }
}
