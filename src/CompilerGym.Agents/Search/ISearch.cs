using CompilerGym.Agents.Policies;
using CompilerGym.Core.Envs;

namespace CompilerGym.Agents.Search;

/// <summary>
/// A search for an action sequence that lowers a cost, over any <see cref="ICompilerEnv"/> (in
/// process or remote). It starts from the env's current state and leaves the env in the best state
/// found. A policy, when given, chooses or orders the actions tried. Helper envs, when given, are
/// envs in the same state as the env (other sessions, which a cluster may place on other
/// machines) that a search may run its trials on side by side; it leaves them in that state, and
/// its result is the same with them as without.
/// </summary>
public interface ISearch
{
    /// <summary>The search's name on the command line and in results.</summary>
    string Name { get; }

    SearchResult Run(ICompilerEnv env, SearchOptions options, IActionPolicy? policy = null, Action<SearchProgress>? progress = null,
        IReadOnlyList<ICompilerEnv>? helpers = null);
}
