using System.Diagnostics;
using CompilerGym.Core.Envs;

namespace CompilerGym.Agents.Policies;

/// <summary>How a rollout picks each action from the policy's probabilities.</summary>
public enum ActionChoice
{
    /// <summary>The most probable action.</summary>
    Greedy,
    /// <summary>An action drawn with the policy's probabilities.</summary>
    Sample,
}

/// <summary>
/// What a rollout or a search over rollouts reached: the actions that applied (replaying them
/// from the start reaches the same state), their summed reward, the steps it took.
/// </summary>
public sealed record RolloutResult(IReadOnlyList<int> Actions, double Reward, int Steps, TimeSpan Elapsed);

/// <summary>
/// Episodes played by an <see cref="IActionPolicy"/>, on any env with a reward space: one
/// rollout, or the best of several within a budget of steps. With a <see cref="UniformPolicy"/>
/// the latter is random search. An action that does not apply is a step that changed nothing.
/// </summary>
public static class PolicyRollout
{
    /// <summary>Takes <paramref name="steps"/> actions from the env's current state; the result is the final state.</summary>
    public static RolloutResult Run(ICompilerEnv env, IActionPolicy policy, int steps, ActionChoice choice, Random random)
    {
        CheckSpace(env, policy);
        var clock = Stopwatch.StartNew();
        var history = new List<int>(steps);
        var applied = new List<int>(steps);
        double reward = 0;
        for (int i = 0; i < steps; i++)
        {
            var probabilities = policy.ActionProbabilities(env, history);
            int action = choice == ActionChoice.Greedy ? ActionSampling.Greedy(probabilities) : ActionSampling.Sample(probabilities, random);
            reward += Reward(env.TryStep(action), action, applied);
            history.Add(action);
        }
        return new RolloutResult(applied, reward, steps, clock.Elapsed);
    }

    /// <summary>
    /// Sampled rollouts of up to <paramref name="steps"/> actions, each from a fresh reset of the
    /// env's benchmark, until <paramref name="budget"/> steps are spent; the result is the best
    /// state seen (the start included) by summed reward. The env is left where the last rollout ended.
    /// </summary>
    public static RolloutResult BestOf(ICompilerEnv env, IActionPolicy policy, int steps, int budget, Random random)
    {
        CheckSpace(env, policy);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<int> best = [];
        double bestReward = 0;
        for (int spent = 0; spent < budget;)
        {
            env.Reset();
            var history = new List<int>(steps);
            var applied = new List<int>(steps);
            double reward = 0;
            for (int i = 0; i < steps && spent < budget; i++, spent++)
            {
                int action = ActionSampling.Sample(policy.ActionProbabilities(env, history), random);
                reward += Reward(env.TryStep(action), action, applied);
                history.Add(action);
                if (reward > bestReward)
                {
                    bestReward = reward;
                    best = [.. applied];
                }
            }
        }
        return new RolloutResult(best, bestReward, budget, clock.Elapsed);
    }

    /// <summary>A step's reward, noting the action as applied; one that did not apply (null) changed nothing and earns 0.</summary>
    private static double Reward(StepResult? step, int action, List<int> applied)
    {
        if (step is null) return 0;
        applied.Add(action);
        return step.Reward ?? throw new InvalidOperationException("rollouts need an env with a reward space");
    }

    private static void CheckSpace(ICompilerEnv env, IActionPolicy policy)
    {
        if (env.ActionSpace.Name != policy.ActionSpace)
            throw new ArgumentException($"the policy is for action space '{policy.ActionSpace}', the env uses '{env.ActionSpace.Name}'");
    }
}

/// <summary>Every action equally likely: the policy of random search.</summary>
public sealed class UniformPolicy(string actionSpace) : IActionPolicy
{
    public string ActionSpace => actionSpace;

    public double[] ActionProbabilities(ICompilerEnv env, IReadOnlyList<int> history) =>
        [.. Enumerable.Repeat(1.0 / env.ActionSpace.N, env.ActionSpace.N)];
}
