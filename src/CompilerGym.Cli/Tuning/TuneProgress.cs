using CompilerGym.Agents.Search;
using Spectre.Console;

namespace CompilerGym.Cli.Tuning;

/// <summary>How a run shows its progress: a live display on a terminal, a line per program otherwise.</summary>
internal interface ITuneProgress
{
    /// <summary>Announces a program; the callback, if any, follows its search.</summary>
    Action<SearchProgress>? Start(TuneTarget target);

    void Finish(TuneTarget target, TuneRecord record, bool skipped);

    /// <summary>A program's result in a few words.</summary>
    static string Summary(TuneRecord r, bool skipped) => skipped
        ? $"{r.Cost} {r.Best:G} (tuned in an earlier run, skipped)"
        : $"{r.Cost} {r.O0:G} -> {r.Best:G}{(r.VersusOz is { } v ? $" ({v:F3} x {r.ReferenceName})" : "")}, {r.Actions.Count} actions, " +
          $"{r.Evaluations} steps tried in {r.Seconds:F1} s, {(r.Valid ? "valid" : "INVALID")}";
}

/// <summary>Status lines, for logs and pipes.</summary>
internal sealed class LineProgress : ITuneProgress
{
    public Action<SearchProgress>? Start(TuneTarget target)
    {
        Console.WriteLine($"{target.Name}: tuning");
        return null;
    }

    public void Finish(TuneTarget target, TuneRecord record, bool skipped) =>
        Console.WriteLine($"{target.Name}: {ITuneProgress.Summary(record, skipped)}");
}

/// <summary>A Spectre.Console progress bar per program, filled by the share of the budget spent.</summary>
internal sealed class LiveProgress(ProgressContext context, SearchOptions options) : ITuneProgress
{
    private ProgressTask? _task;

    public Action<SearchProgress>? Start(TuneTarget target)
    {
        string name = Markup.Escape(target.Name);
        var task = _task = context.AddTask(name);
        double best = double.NaN;
        return p =>
        {
            task.Value = 100 * Math.Max(
                options.TimeLimit is { } t ? p.Elapsed / t : 0,
                options.MaxEvaluations is { } n ? (double)p.Evaluations / n : 0);
            if (p.BestCost == best) return;
            best = p.BestCost;
            task.Description = $"{name}: best {best:G}";
        };
    }

    public void Finish(TuneTarget target, TuneRecord record, bool skipped)
    {
        var task = skipped ? context.AddTask("") : _task!;
        task.Description = $"{Markup.Escape(target.Name)}: {Markup.Escape(ITuneProgress.Summary(record, skipped))}";
        task.Value = task.MaxValue;
        task.StopTask();
    }
}
