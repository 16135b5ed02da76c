using CompilerGym.Cli.Commands;
using ScottPlot;

namespace CompilerGym.Cli.Tuning;

/// <summary>The report of a run: a table of every program's result and a plot of each against -Oz.</summary>
internal static class TuneReport
{
    public const string PlotFileName = "report.png";

    public static void PrintTable(string title, IReadOnlyList<(TuneTarget Target, TuneRecord Record)> results)
    {
        string F(double? value) => value?.ToString("G") ?? "-";
        string reference = ReferenceName(results);
        CommonOptions.Table(title,
            ["program", "unoptimized", "-O3", reference, "best", $"best / {reference}", "actions", "steps tried", "seconds", "valid"],
            results.Select(x => new[]
            {
                x.Target.Name, F(x.Record.O0), F(x.Record.O3), F(x.Record.Oz), F(x.Record.Best), x.Record.VersusOz?.ToString("F3") ?? "-",
                x.Record.Actions.Count.ToString(), x.Record.Evaluations.ToString(), x.Record.Seconds.ToString("F1"), x.Record.Valid ? "yes" : "NO",
            }));
        var ratios = results.Select(x => x.Record.VersusOz).OfType<double>().ToList();
        if (ratios.Count > 0)
            Console.WriteLine($"geometric mean of best / {reference}: {Math.Exp(ratios.Average(Math.Log)):F3} over {ratios.Count} programs (below 1 beats {reference})");
    }

    /// <summary>-Oz, or the default lowering when every program is an mlir-v0 kernel (a run tunes one kind).</summary>
    private static string ReferenceName(IReadOnlyList<(TuneTarget Target, TuneRecord Record)> results) =>
        results.Count > 0 ? results[0].Record.ReferenceName : "-Oz";

    /// <summary>Bars of best cost ÷ -Oz cost per program, with -Oz as a line at 1; false when no program has an -Oz baseline.</summary>
    public static bool Plot(IReadOnlyList<(TuneTarget Target, TuneRecord Record)> results, string path)
    {
        var shown = results.Where(x => x.Record.VersusOz is not null).ToList();
        if (shown.Count == 0) return false;
        var plot = new Plot();
        var bars = plot.Add.Bars(shown.Select((x, i) => Bar(i, x.Record.VersusOz!.Value)).ToList());
        bars.ValueLabelStyle.FontSize = 11;
        var oz = plot.Add.HorizontalLine(1);
        oz.LinePattern = LinePattern.Dashed;
        oz.Text = ReferenceName(shown);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. shown.Select((_, i) => (double)i)], [.. shown.Select(x => x.Target.Name)]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0);
        plot.Title($"{shown[0].Record.Cost}, {shown[0].Record.Search} search");
        plot.YLabel($"cost / {ReferenceName(shown)} cost (below 1 beats it)");
        plot.SavePng(path, Math.Max(640, 110 * shown.Count + 160), 480);
        return true;
    }

    // Green where the search beat -Oz, red where it did not.
    private static Bar Bar(int position, double ratio) =>
        new() { Position = position, Value = ratio, Label = ratio.ToString("F3"), FillColor = ratio < 1 ? Colors.SeaGreen : Colors.IndianRed };
}
