using System.Diagnostics;
using System.Runtime.ExceptionServices;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;

namespace CompilerGym.Agents.Portfolios;

/// <summary>
/// What one shot of a portfolio gave: the cheapest prefix of any sequence, its cost and the cost
/// before, the env holding that state, which sequence it came from, and the wall time.
/// </summary>
public sealed record Shot(IReadOnlyList<string> Actions, double Cost, double StartCost, ICompilerEnv Holder, int Sequence, TimeSpan Elapsed);

/// <summary>
/// Tuning without search: each sequence of a <see cref="Portfolio"/> is applied to the program, side
/// by side on the envs given (one per core; several sequences in turn on one), and the cheapest
/// state wins. The cost is observed after every action, so a sequence's cheapest prefix counts: a
/// sequence that starts with the standard pipeline never ends worse than it.
/// </summary>
public static class OneShot
{
    public static Shot Apply(IReadOnlyList<ICompilerEnv> envs, string benchmark, Portfolio portfolio, string cost)
    {
        var clock = Stopwatch.StartNew();
        var sequences = portfolio.Sequences;
        int lanes = Math.Min(envs.Count, sequences.Count);
        var found = new (int Length, double Cost)?[sequences.Count];
        var whole = new bool[sequences.Count];
        double startCost = double.NaN;
        var withCost = new StepOptions([cost]);
        void Lane(int lane)
        {
            var env = envs[lane];
            for (int i = lane; i < sequences.Count; i += lanes)
            {
                env.Reset(benchmark, new ResetOptions(ActionSpace: portfolio.ActionSpace));
                if (i == 0) startCost = env.Observe(cost).AsDouble();
                try
                {
                    for (int n = 1; n <= sequences[i].Count; n++)
                    {
                        double after = env.Step(env.ActionSpace.IndexOf(sequences[i][n - 1]), withCost).Info.Observations[cost].AsDouble();
                        if (found[i] is not { } best || after < best.Cost) found[i] = (n, after);
                    }
                    whole[i] = true;
                }
                catch (Exception e) when (e is InapplicableActionException or CompilerException)
                {
                    // The prefix that applied stands.
                }
            }
        }
        // A lane's error (an unknown benchmark, a lost server) surfaces as itself, not wrapped.
        try { Parallel.For(0, lanes, Lane); }
        catch (AggregateException e) { ExceptionDispatchInfo.Throw(e.Flatten().InnerExceptions[0]); }

        int winner = Enumerable.Range(0, sequences.Count).Where(i => found[i] is not null).DefaultIfEmpty(-1).MinBy(i => i < 0 ? 0 : found[i]!.Value.Cost);
        if (winner < 0) throw new InvalidOperationException($"no sequence of the portfolio applies to {benchmark}");
        var (length, bestCost) = found[winner]!.Value;
        var actions = sequences[winner].Take(length).ToList();
        int holderLane = winner % lanes;
        var holder = envs[holderLane];
        // A lane's env holds the whole of its last sequence; any other state is made again there.
        bool held = Enumerable.Range(0, sequences.Count).Last(i => i % lanes == holderLane) == winner && whole[winner] && length == sequences[winner].Count;
        if (!held)
        {
            holder.Reset(benchmark, new ResetOptions(ActionSpace: portfolio.ActionSpace));
            holder.StepByName(actions);
        }
        return new Shot(actions, bestCost, startCost, holder, winner, clock.Elapsed);
    }
}
