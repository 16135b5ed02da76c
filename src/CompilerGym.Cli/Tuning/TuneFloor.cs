using System.Diagnostics;
using CompilerGym.Agents.Search;
using CompilerGym.Core.Envs;

namespace CompilerGym.Cli.Tuning;

/// <summary>
/// The floor of a tuning: each floor action (a whole standard pipeline, see
/// <see cref="Core.Environments.EnvSpec.FloorActions"/>) is tried on a fork of the start state, and
/// the cheapest fork is kept when it lowers the cost. A search from there can only do better, so a
/// tuned result is never worse than the best standard pipeline tried.
/// </summary>
internal static class TuneFloor
{
    /// <summary>
    /// What the floor did: the actions it took (none or one), the cost after them, its trials, the
    /// slowest trial, the env in the floor's state (a fork, the caller's to dispose; null when no
    /// action lowered the cost and the env itself is the floor), and the cost after each action tried.
    /// </summary>
    public sealed record Outcome(IReadOnlyList<string> Actions, double Cost, int Trials, TimeSpan SlowestTrial, ICompilerEnv? State,
        IReadOnlyDictionary<string, double> Tried);

    /// <summary>
    /// Tries the actions in their order (the environment's: the standard pipeline for its cost
    /// first), going on from <paramref name="earlier"/> trials of the same env if given. The first
    /// trial of all is always made, since without it there is no floor; each later one only when
    /// <paramref name="affords"/> says one more trial as slow as the slowest so far fits.
    /// </summary>
    public static Outcome Apply(ICompilerEnv env, IEnumerable<string> actions, string cost, Func<TimeSpan, bool> affords,
        Action<SearchProgress>? progress, Outcome? earlier = null)
    {
        var clock = Stopwatch.StartNew();
        var withCost = new StepOptions([cost]);
        (string? Action, double Cost, ICompilerEnv? State) best = earlier is null
            ? (null, env.Observe(cost).AsDouble(), null)
            : (earlier.Actions.SingleOrDefault(), earlier.Cost, earlier.State);
        var slowest = earlier?.SlowestTrial ?? TimeSpan.Zero;
        int trials = earlier?.Trials ?? 0;
        var tried = new Dictionary<string, double>(earlier?.Tried ?? new Dictionary<string, double>());
        foreach (string action in actions)
        {
            if (trials > 0 && !affords(slowest)) break;
            var started = clock.Elapsed;
            var trial = env.Fork();
            var step = trial.TryStep(env.ActionSpace.IndexOf(action), withCost);
            trials++;
            slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, (clock.Elapsed - started).Ticks));
            double? trialCost = step?.Info.Observations[cost].AsDouble();
            if (trialCost is { } measured) tried[action] = measured;
            if (trialCost < best.Cost)
            {
                best.State?.Dispose();
                best = (action, trialCost.Value, trial);
            }
            else trial.Dispose();
            progress?.Invoke(new SearchProgress(trials, clock.Elapsed, best.Cost));
        }
        return new(best.Action is null ? [] : [best.Action], best.Cost, trials, slowest, best.State, tried);
    }
}
