using System.Diagnostics;
using CompilerGym.Core.Envs;

namespace CompilerGym.Agents.Search;

/// <summary>One accepted step of a search: the action and the cost after it.</summary>
public sealed record SearchStep(int Action, string ActionName, double Cost);

/// <summary>What a search found: the cost before and after, the steps taken, and how long it took.</summary>
public sealed record SearchResult(double InitialCost, double FinalCost, IReadOnlyList<SearchStep> Steps, int Evaluations, TimeSpan Elapsed);

/// <summary>
/// Greedy search: at each step try every action on a fork of the current state, keep the one
/// that lowers the cost most, and stop when none lowers it (or at the step limit). Works on any
/// <see cref="ICompilerEnv"/>, in process or remote; the env is left in the best state found.
/// </summary>
public static class GreedySearch
{
    public static SearchResult Run(ICompilerEnv env, string costObservation, int maxSteps, Action<SearchStep>? onStep = null)
    {
        var clock = Stopwatch.StartNew();
        double initial = env.Observe(costObservation).AsDouble();
        double current = initial;
        var steps = new List<SearchStep>();
        int evaluations = 0;
        for (int i = 0; i < maxSteps; i++)
        {
            (int Action, double Cost) best = (-1, current);
            for (int action = 0; action < env.ActionSpace.N; action++)
            {
                using var trial = env.Fork();
                trial.Step(action);
                evaluations++;
                double cost = trial.Observe(costObservation).AsDouble();
                if (cost < best.Cost) best = (action, cost);
            }
            if (best.Action < 0) break;
            env.Step(best.Action);
            current = best.Cost;
            var step = new SearchStep(best.Action, env.ActionSpace.Names![best.Action], current);
            steps.Add(step);
            onStep?.Invoke(step);
        }
        return new SearchResult(initial, current, steps, evaluations, clock.Elapsed);
    }
}
