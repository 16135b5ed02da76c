using System.Globalization;
using CompilerGym.Agents.Policies;

namespace CompilerGym.Cli.Commands;

/// <summary>
/// A training run's learning curve: one CSV row per PPO update, and a plot of it. A resumed run
/// keeps the rows up to its checkpoint and appends to them, so the file and plot cover the whole run.
/// </summary>
internal sealed class LearningCurve : IDisposable
{
    public const string Header = "update,steps,mean_episode_reward,policy_loss,value_loss,entropy,approx_kl,clip_fraction,learning_rate,seconds,steps_per_second";

    private readonly StreamWriter _writer;

    /// <summary>Starts the CSV afresh, or after the rows of updates up to <paramref name="keepThrough"/> of an earlier run.</summary>
    public LearningCurve(string path, int keepThrough)
    {
        var kept = keepThrough > 0 && File.Exists(path)
            ? File.ReadLines(path).Skip(1).Where(line => int.Parse(line.Split(',')[0], CultureInfo.InvariantCulture) <= keepThrough).ToList()
            : [];
        _writer = new StreamWriter(path, append: false);
        _writer.WriteLine(Header);
        foreach (string line in kept) _writer.WriteLine(line);
        _writer.Flush();
    }

    public void Add(PpoUpdate u)
    {
        _writer.WriteLine(string.Join(',', new object[] { u.Update, u.Steps, u.MeanEpisodeReward, u.PolicyLoss, u.ValueLoss, u.Entropy,
            u.ApproxKl, u.ClipFraction, u.LearningRate, u.Seconds, u.StepsPerSecond }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));
        _writer.Flush();
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>Mean episode reward and policy entropy against environment steps, from the CSV.</summary>
    public static void Plot(string csvPath, string pngPath)
    {
        var rows = File.ReadLines(csvPath).Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
        double[] Column(string name) => [.. rows.Select(r => r[Array.IndexOf(Header.Split(','), name)])];
        var plot = new ScottPlot.Plot();
        var reward = plot.Add.ScatterLine(Column("steps"), Column("mean_episode_reward"));
        reward.LegendText = "mean episode reward (IrInstructionCountOz)";
        var entropy = plot.Add.ScatterLine(Column("steps"), Column("entropy"));
        entropy.LegendText = "policy entropy (nats, right axis)";
        entropy.Axes.YAxis = plot.Axes.Right;
        plot.Title("PPO learning curve");
        plot.XLabel("environment steps");
        plot.YLabel("mean episode reward");
        plot.Axes.Right.Label.Text = "entropy";
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        plot.SavePng(pngPath, 1000, 560);
    }
}
