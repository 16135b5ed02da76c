using CompilerGym.Agents.Policies;
using CompilerGym.Core.Envs;

namespace CompilerGym.Agents.Search;

/// <summary>
/// Beam search: the <see cref="Width"/> cheapest states of each depth are expanded by every action
/// (or, with a policy, its <see cref="SearchOptions.PolicyTopK"/> most probable ones) on forks, and
/// the cheapest new states form the next beam, even when none beats its parent, which lets the
/// search cross the plateaus where greedy search stops. The result is the cheapest state of any depth.
/// </summary>
/// <remarks>
/// Chosen over an evolutionary search for results per unit of time: with forks, a candidate costs
/// one pass run because beam states share their prefixes, whereas each individual of an evolutionary
/// search is a whole sequence to replay from the start (tens of pass runs); and in a given state
/// most passes change nothing, which the forks detect and skip (see the README's measurements).
/// </remarks>
public sealed class BeamSearch : ISearch
{
    private sealed record Node(ICompilerEnv Env, SearchStep[] Steps, double Cost);

    public BeamSearch(int width = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Width = width;
    }

    public int Width { get; }

    public string Name => "beam";

    public SearchResult Run(ICompilerEnv env, SearchOptions options, IActionPolicy? policy = null, Action<SearchProgress>? progress = null)
    {
        using var run = new SearchRun(env, options, policy, progress);
        var beam = new List<Node> { new(env, [], run.InitialCost) };
        try
        {
            for (int depth = 0; depth < options.MaxEpisodeLength && !run.Exhausted; depth++)
            {
                var next = new List<Node>();
                foreach (var node in beam)
                {
                    foreach (int action in run.Candidates(node.Env, [.. node.Steps.Select(s => s.Action)]))
                    {
                        if (run.Exhausted) break;
                        if (run.Try(node.Env, action) is not { } trial) continue;
                        var child = new Node(trial.Child, [.. node.Steps, new SearchStep(action, run.ActionNames[action], trial.Cost)], trial.Cost);
                        run.Offer(child.Steps, child.Cost);
                        Keep(next, child);
                    }
                }
                if (next.Count == 0) break;
                Release(beam, env);
                beam = next;
            }
        }
        finally
        {
            Release(beam, env);
        }
        return run.Finish();
    }

    // Keeps the next beam sorted by cost (ties in the order found) and at most Width long. A state
    // of the same cost as one already kept is dropped: it is most often the same program reached by
    // passes in another order, and keeping it would fill the beam with copies.
    private void Keep(List<Node> next, Node child)
    {
        int at = next.FindIndex(n => n.Cost >= child.Cost);
        if (at < 0 && next.Count >= Width || at >= 0 && next[at].Cost == child.Cost)
        {
            child.Env.Dispose();
            return;
        }
        next.Insert(at < 0 ? next.Count : at, child);
        if (next.Count <= Width) return;
        next[^1].Env.Dispose();
        next.RemoveAt(next.Count - 1);
    }

    private static void Release(List<Node> nodes, ICompilerEnv callers)
    {
        foreach (var node in nodes)
            if (!ReferenceEquals(node.Env, callers)) node.Env.Dispose();
        nodes.Clear();
    }
}
