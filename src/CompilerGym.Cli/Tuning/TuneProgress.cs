using System.Collections.Concurrent;
using CompilerGym.Agents.Search;
using Spectre.Console;

namespace CompilerGym.Cli.Tuning;

/// <summary>
/// How a run shows its progress: a live display on a terminal, a line per program otherwise.
/// Programs tuned side by side report from threads of their own.
/// </summary>
internal interface ITuneProgress
{
    /// <summary>
    /// Announces a program under its name, which can grow once its sessions start (the silos they
    /// run on); the callback, if any, follows its search.
    /// </summary>
    Action<SearchProgress>? Start(TuneTarget target, Func<string> name);

    void Finish(TuneTarget target, string name, TuneRecord record, bool skipped);

    /// <summary>A program's result in a few words.</summary>
    static string Summary(TuneRecord r, bool skipped) => skipped
        ? $"{r.Cost} {r.Best:G} (tuned in an earlier run, skipped)"
        : $"{r.Cost} {r.O0:G} -> {r.Best:G}{(r.VersusOz is { } v ? $" ({v:F3} x {r.ReferenceName})" : "")}, {r.Actions.Count} actions, " +
          $"{r.Evaluations} steps tried in {r.Seconds:F1} s, {(r.Valid ? "valid" : "INVALID")}";
}

/// <summary>Status lines, for logs and pipes; each is written whole, so lines of programs side by side do not mix.</summary>
internal sealed class LineProgress : ITuneProgress
{
    public Action<SearchProgress>? Start(TuneTarget target, Func<string> name)
    {
        Console.WriteLine($"{name()}: tuning");
        return null;
    }

    public void Finish(TuneTarget target, string name, TuneRecord record, bool skipped) =>
        Console.WriteLine($"{name}: {ITuneProgress.Summary(record, skipped)}");
}

/// <summary>A Spectre.Console progress bar per program, filled by the share of the budget spent.</summary>
internal sealed class LiveProgress(ProgressContext context, SearchOptions options) : ITuneProgress
{
    // The bar of each program being tuned.
    private readonly ConcurrentDictionary<TuneTarget, ProgressTask> _tasks = new();

    public Action<SearchProgress>? Start(TuneTarget target, Func<string> name)
    {
        var task = _tasks[target] = context.AddTask(Markup.Escape(name()));
        double best = double.NaN;
        return p =>
        {
            task.Value = 100 * Math.Max(
                options.TimeLimit is { } t ? p.Elapsed / t : 0,
                options.MaxEvaluations is { } n ? (double)p.Evaluations / n : 0);
            if (p.BestCost == best) return;
            best = p.BestCost;
            task.Description = $"{Markup.Escape(name())}: best {best:G}";
        };
    }

    public void Finish(TuneTarget target, string name, TuneRecord record, bool skipped)
    {
        var task = _tasks.TryRemove(target, out var started) ? started : context.AddTask("");
        task.Description = $"{Markup.Escape(name)}: {Markup.Escape(ITuneProgress.Summary(record, skipped))}";
        task.Value = task.MaxValue;
        task.StopTask();
    }
}
