using System.Diagnostics;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;

namespace CompilerGym.Agents.Portfolios;

/// <summary>
/// How a portfolio is learned: how many sequences, how long each, the least gain that lengthens one,
/// and the most time the actions after a sequence's start may take, as a share of the start's.
/// </summary>
public sealed record PortfolioOptions(int Sequences = 2, int MaxLength = 8, double MinGain = 0.001, double MaxExtraTime = 0.2);

/// <summary>What learning has done so far, for progress reports.</summary>
public sealed record PortfolioProgress(int Sequence, IReadOnlyList<string> Actions, double Ratio, int Trials);

/// <summary>
/// Learns a <see cref="Portfolio"/> greedily on training programs. Each sequence starts with the
/// start action (a whole pipeline) that best completes the sequences before it, then grows by the
/// action that lowers the objective most, while that gains at least
/// <see cref="PortfolioOptions.MinGain"/>; never by another start, and only while the actions after
/// the start take at most <see cref="PortfolioOptions.MaxExtraTime"/> of its time on the training
/// programs (summed over them, so that the largest weigh most), so that one shot costs about one
/// pipeline's time. The objective is the geometric mean over the programs of
/// the cost the portfolio reaches, each program taking its cheapest sequence: a later sequence is
/// rewarded only where it beats the earlier ones. An action that fails on any program is never
/// chosen, since a sequence is applied whole.
/// </summary>
public static class PortfolioLearner
{
    /// <param name="envs">One env per training program, each reset to its program in <paramref name="actionSpace"/>; they are stepped in parallel.</param>
    /// <param name="starts">The actions a sequence may start with, the reference (the standard pipeline) first.</param>
    public static Portfolio Learn(IReadOnlyList<ICompilerEnv> envs, string actionSpace, string cost, IReadOnlyList<string> starts,
        PortfolioOptions options, Action<PortfolioProgress>? progress = null)
    {
        if (envs.Count == 0) throw new ArgumentException("a portfolio needs training programs");
        if (starts.Count == 0) throw new ArgumentException($"{actionSpace} has no start actions for a portfolio");
        var space = envs[0].ActionSpace;
        var candidates = space.Names!.Except(starts).ToList();
        var (reference, _) = CostsAfter(envs, space.IndexOf(starts[0]), cost);
        if (reference.Any(double.IsNaN)) throw new ArgumentException($"'{starts[0]}' fails on a training program");
        // The cheapest cost each program has reached in the sequences learned so far.
        var best = Enumerable.Repeat(double.PositiveInfinity, envs.Count).ToArray();
        var sequences = new List<IReadOnlyList<string>>();
        int trials = envs.Count;

        for (int k = 0; k < options.Sequences; k++)
        {
            var states = envs.Select(e => e.Fork()).ToArray();
            try
            {
                var (start, (costs, startTime)) = starts.Select(s => (Action: s, Trial: CostsAfter(states, space.IndexOf(s), cost)))
                    .MinBy(c => Objective(best, c.Trial.Costs, reference));
                trials += envs.Count * starts.Count;
                var extraTime = TimeSpan.Zero;
                Apply(states, space.IndexOf(start));
                var sequence = new List<string> { start };
                double objective = Objective(best, costs, reference);
                progress?.Invoke(new(k + 1, sequence, Math.Exp(objective), trials));
                while (sequence.Count < options.MaxLength)
                {
                    var (action, (next, time)) = candidates.Select(a => (Action: a, Trial: CostsAfter(states, space.IndexOf(a), cost)))
                        .Where(c => extraTime + c.Trial.Time <= options.MaxExtraTime * startTime)
                        .DefaultIfEmpty()
                        .MinBy(c => c.Action is null ? double.PositiveInfinity : Objective(best, c.Trial.Costs, reference));
                    trials += envs.Count * candidates.Count;
                    if (action is null) break;
                    double gain = objective - Objective(best, next, reference);
                    if (gain < Math.Log(1 + options.MinGain)) break;
                    Apply(states, space.IndexOf(action));
                    sequence.Add(action);
                    costs = next;
                    extraTime += time;
                    objective -= gain;
                    progress?.Invoke(new(k + 1, sequence, Math.Exp(objective), trials));
                }
                for (int i = 0; i < best.Length; i++) best[i] = Math.Min(best[i], costs[i]);
                sequences.Add(sequence);
            }
            finally
            {
                foreach (var state in states) state.Dispose();
            }
        }
        return new Portfolio(actionSpace, cost, sequences, [.. envs.Select(e => e.Benchmark!)], Math.Exp(Objective(best, best, reference)));
    }

    // Mean log of each program's cheapest cost over its reference; NaN (a failed action) is never cheapest.
    private static double Objective(double[] best, double[] costs, double[] reference)
    {
        if (costs.Any(double.IsNaN)) return double.PositiveInfinity;
        return Enumerable.Range(0, costs.Length).Average(i => Math.Log(Math.Max(1e-9, Math.Min(best[i], costs[i])) / Math.Max(1e-9, reference[i])));
    }

    /// <summary>The cost of each state after the action, tried on forks (NaN where it fails), and the action's time summed over them.</summary>
    private static (double[] Costs, TimeSpan Time) CostsAfter(IReadOnlyList<ICompilerEnv> states, int action, string cost)
    {
        var costs = new double[states.Count];
        long ticks = 0;
        var withCost = new StepOptions([cost]);
        Parallel.For(0, states.Count, i =>
        {
            using var trial = states[i].Fork();
            var started = Stopwatch.GetTimestamp();
            try
            {
                costs[i] = trial.TryStep(action, withCost)?.Info.Observations[cost].AsDouble() ?? double.NaN;
                Interlocked.Add(ref ticks, Stopwatch.GetElapsedTime(started).Ticks);
            }
            catch (CompilerException)
            {
                costs[i] = double.NaN;
            }
        });
        return (costs, TimeSpan.FromTicks(ticks));
    }

    private static void Apply(IReadOnlyList<ICompilerEnv> states, int action) =>
        Parallel.For(0, states.Count, i => states[i].Step(action));
}
