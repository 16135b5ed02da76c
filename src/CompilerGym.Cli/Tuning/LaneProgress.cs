using CompilerGym.Agents.Search;

namespace CompilerGym.Cli.Tuning;

/// <summary>
/// The progress of plans searched side by side, reported as one: the steps of every lane, the time
/// of the whole tuning and the cheapest cost any lane found. Each floor and search counts its steps
/// from zero; <see cref="Done"/> adds them to its lane's total when it ends.
/// </summary>
internal sealed class LaneProgress(int lanes, TuneBudget budget, Action<SearchProgress>? progress)
{
    private readonly int[] _done = new int[lanes];
    private readonly int[] _current = new int[lanes];
    private readonly Lock _lock = new();
    private double _best = double.PositiveInfinity;

    public Action<SearchProgress>? For(int lane) => progress is null ? null : p =>
    {
        lock (_lock)
        {
            _current[lane] = p.Evaluations;
            _best = Math.Min(_best, p.BestCost);
            progress(new SearchProgress(_done.Sum() + _current.Sum(), budget.Elapsed, _best));
        }
    };

    public void Done(int lane, int evaluations, double best)
    {
        lock (_lock)
        {
            _done[lane] += evaluations;
            _current[lane] = 0;
            _best = Math.Min(_best, best);
        }
    }
}
