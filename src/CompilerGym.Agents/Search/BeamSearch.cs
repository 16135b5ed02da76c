using CompilerGym.Agents.Policies;
using CompilerGym.Core.Envs;

namespace CompilerGym.Agents.Search;

/// <summary>
/// Beam search, widened while the budget lasts. A pass of width W keeps the W cheapest states of
/// each depth, expands each by every action (or, with a policy, its
/// <see cref="SearchOptions.PolicyTopK"/> most probable ones) on forks, and goes on even when no new
/// state beats its parent, which lets it cross the plateaus where greedy search stops; it ends after
/// <see cref="Patience"/> depths without a cheaper state. Passes of width 1, 2, 4, … up to
/// <see cref="MaxWidth"/> follow each other from the start state. The result is the cheapest state seen.
/// Given helper envs, it tries each state's actions side by side on them, with the same result.
/// </summary>
/// <remarks>
/// Chosen over an evolutionary search for results per unit of time: with forks, a candidate costs
/// one pass run because beam states share their prefixes, whereas each individual of an evolutionary
/// search is a whole sequence replayed from the start (tens of pass runs). Widening instead of one
/// fixed width makes it an anytime search, whatever the program's size and the budget: the first
/// pass tries what greedy search tries, in the same order, so on any step budget it finds at least
/// as cheap a state as greedy; the wider passes then spend what is left (each costs about twice the
/// one before, so the restarts cost at most as much again).
/// </remarks>
public sealed class BeamSearch : ISearch
{
    private sealed record Node(ICompilerEnv Env, SearchStep[] Steps, double Cost);

    public BeamSearch(int maxWidth = 8, int patience = 2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(patience, 1);
        MaxWidth = maxWidth;
        Patience = patience;
    }

    /// <summary>The widest pass.</summary>
    public int MaxWidth { get; }

    /// <summary>Depths a pass goes on without finding a state cheaper than its cheapest so far.</summary>
    public int Patience { get; }

    public string Name => "beam";

    public SearchResult Run(ICompilerEnv env, SearchOptions options, IActionPolicy? policy = null, Action<SearchProgress>? progress = null,
        IReadOnlyList<ICompilerEnv>? helpers = null)
    {
        using var run = new SearchRun(env, options, policy, progress, helpers);
        // A pass that never had to drop a state for want of room is what a wider pass would repeat.
        bool pruned = true;
        for (int width = 1; width <= MaxWidth && pruned && !run.Exhausted; width *= 2)
            pruned = Pass(run, env, options, width);
        return run.Finish();
    }

    /// <summary>One pass of a fixed width; returns whether it dropped any state for want of room.</summary>
    private bool Pass(SearchRun run, ICompilerEnv env, SearchOptions options, int width)
    {
        var beam = new List<Node> { new(env, [], run.InitialCost) };
        double cheapest = run.InitialCost;
        int stale = 0;
        bool pruned = false;
        try
        {
            for (int depth = 0; depth < options.MaxEpisodeLength && stale < Patience && !run.Exhausted; depth++)
            {
                var next = new List<Node>();
                try
                {
                    foreach (var node in beam)
                    {
                        int[] path = [.. node.Steps.Select(s => s.Action)];
                        run.TryEach(node.Env, path, run.Candidates(node.Env, path), (action, env, cost) =>
                        {
                            var child = new Node(env, [.. node.Steps, new SearchStep(action, run.ActionNames[action], cost)], cost);
                            run.Offer(child.Steps, child.Cost);
                            pruned |= Keep(next, child, width);
                        });
                        if (run.Exhausted) break;
                    }
                }
                catch
                {
                    Release(next, env);
                    throw;
                }
                if (next.Count == 0) break;
                stale = next[0].Cost < cheapest ? 0 : stale + 1;
                cheapest = Math.Min(cheapest, next[0].Cost);
                Release(beam, env);
                beam = next;
            }
        }
        finally
        {
            Release(beam, env);
        }
        return pruned;
    }

    // Keeps the next beam sorted by cost (ties in the order found) and at most `width` long; returns
    // whether a state was dropped for want of room. A state of the same cost as one already kept is
    // dropped too: it is most often the same program reached by passes in another order, and keeping
    // it would fill the beam with copies.
    private static bool Keep(List<Node> next, Node child, int width)
    {
        int at = next.FindIndex(n => n.Cost >= child.Cost);
        if (at >= 0 && next[at].Cost == child.Cost)
        {
            child.Env.Dispose();
            return false;
        }
        if (at < 0 && next.Count >= width)
        {
            child.Env.Dispose();
            return true;
        }
        next.Insert(at < 0 ? next.Count : at, child);
        if (next.Count <= width) return false;
        next[^1].Env.Dispose();
        next.RemoveAt(next.Count - 1);
        return true;
    }

    private static void Release(List<Node> nodes, ICompilerEnv callers)
    {
        foreach (var node in nodes)
            if (!ReferenceEquals(node.Env, callers)) node.Env.Dispose();
        nodes.Clear();
    }
}
