using System.Diagnostics;
using CompilerGym.Agents.Search;
using CompilerGym.Core.Envs;

namespace CompilerGym.Cli.Tuning;

/// <summary>
/// The floor of a tuning: each floor action (a whole standard pipeline, see
/// <see cref="Core.Environments.EnvSpec.FloorActions"/>) is tried on a fork of the start state, and
/// the cheapest is taken on the env itself when it lowers the cost. A search from there can only
/// do better, so a tuned result is never worse than the best standard pipeline, whatever the budget.
/// </summary>
internal static class TuneFloor
{
    /// <summary>What the floor did: the actions it took on the env (none or one), the cost after them, and its trials and their time.</summary>
    public sealed record Outcome(IReadOnlyList<string> Actions, double Cost, int Trials, TimeSpan Elapsed);

    public static Outcome Apply(ICompilerEnv env, IReadOnlyList<string> actions, string cost, Action<SearchProgress>? progress)
    {
        var clock = Stopwatch.StartNew();
        var withCost = new StepOptions([cost]);
        (string? Action, double Cost) best = (null, env.Observe(cost).AsDouble());
        for (int i = 0; i < actions.Count; i++)
        {
            using var trial = env.Fork();
            var step = trial.TryStep(env.ActionSpace.IndexOf(actions[i]), withCost);
            if (step?.Info.Observations[cost].AsDouble() is { } trialCost && trialCost < best.Cost) best = (actions[i], trialCost);
            progress?.Invoke(new SearchProgress(i + 1, clock.Elapsed, best.Cost));
        }
        if (best.Action is null) return new([], best.Cost, actions.Count, clock.Elapsed);
        env.StepByName([best.Action]);
        return new([best.Action], best.Cost, actions.Count, clock.Elapsed);
    }
}
