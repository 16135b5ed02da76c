using CompilerGym.Core.Envs;

namespace CompilerGym.Agents.Policies;

/// <summary>
/// A preference over the actions of an environment's action space in its current state: a learned
/// policy acts by it, and policy-guided search orders or samples its candidates by it.
/// </summary>
public interface IActionPolicy
{
    /// <summary>The action space this policy was made for; it must match the env's.</summary>
    string ActionSpace { get; }

    /// <summary>
    /// Probabilities over the env's actions (length N, summing to 1) for its current state, given
    /// the actions taken so far in the episode.
    /// </summary>
    double[] ActionProbabilities(ICompilerEnv env, IReadOnlyList<int> history);
}
