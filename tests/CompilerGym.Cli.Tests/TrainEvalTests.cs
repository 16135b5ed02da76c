using System.Globalization;
using System.Text.Json.Nodes;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Features;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Cli.Tests;

public class TrainEvalTests : IDisposable
{
    private static readonly string[] s_benchmarks = ["-b", "benchmark://builtin-v0/crc32", "benchmark://builtin-v0/qsort"];
    // Updates of two envs playing one 5-step episode each: seconds per update.
    private static readonly string[] s_tiny = ["--envs", "2", "--episode-length", "5", "--episodes-per-update", "1", "--minibatches", "2"];

    private readonly string _dir = Directory.CreateTempSubdirectory("cgym-train-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static JsonNode Checkpoint(string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, "checkpoint", "checkpoint.json")))!;

    [Fact]
    public void Train_writes_its_learning_curve_plot_and_checkpoint_and_resumes_from_it()
    {
        string run = Path.Combine(_dir, "run"), csv = Path.Combine(run, "learning-curve.csv"), png = Path.Combine(run, "learning-curve.png");
        var first = CgymProcess.Run(["train", "-o", run, "--steps", "20", .. s_tiny, .. s_benchmarks]);
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);

        var lines = File.ReadAllLines(csv);
        Assert.Equal("update,steps,mean_episode_reward,policy_loss,value_loss,entropy,approx_kl,clip_fraction,learning_rate,seconds,steps_per_second", lines[0]);
        Assert.Equal(["1,10,", "2,20,"], lines[1..].Select(l => string.Join(',', l.Split(',')[..2]) + ","));
        Assert.All(lines[1..], l => Assert.Equal(11, l.Split(',').Length));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
        var checkpoint = Checkpoint(run);
        Assert.Equal(2, checkpoint["update"]!.GetValue<int>());
        Assert.Equal(s_benchmarks[1..], checkpoint["benchmarks"]!.AsArray().Select(b => b!.GetValue<string>()));
        Assert.True(File.Exists(Path.Combine(run, "checkpoint", "model.dat")) && File.Exists(Path.Combine(run, "checkpoint", "optimizer.dat")));
        Assert.Contains("2 updates, 20 steps", first.Stdout);

        // Resumed with its saved options and benchmarks, to a larger total: the curve goes on from update 3.
        File.Delete(png);
        var resumed = CgymProcess.Run("train", "-o", run, "--resume", Path.Combine(run, "checkpoint"), "--steps", "30");
        Assert.True(resumed.ExitCode == 0, resumed.Stdout + resumed.Stderr);
        Assert.Contains("resuming after update 2", resumed.Stdout);
        var after = File.ReadAllLines(csv);
        Assert.Equal(lines, after[..3]);
        Assert.StartsWith("3,30,", after[3]);
        Assert.Equal(4, after.Length);
        Assert.True(File.Exists(png));
        Assert.Equal(3, Checkpoint(run)["update"]!.GetValue<int>());

        var changed = CgymProcess.Run("train", "-o", run, "--resume", Path.Combine(run, "checkpoint"), "--envs", "3");
        Assert.Equal(1, changed.ExitCode);
        Assert.Contains("--resume continues a run with its saved options", changed.Stderr);
    }

    [Fact]
    public void Tune_searches_guided_by_a_trained_policy()
    {
        string run = Path.Combine(_dir, "run"), output = Path.Combine(_dir, "tune");
        var train = CgymProcess.Run(["train", "-o", run, "--steps", "10", .. s_tiny, .. s_benchmarks]);
        Assert.True(train.ExitCode == 0, train.Stdout + train.Stderr);
        string checkpoint = Path.Combine(run, "checkpoint");

        // Without --action-space the search takes the policy's (llvm-22-passes), not tuning's default.
        var tune = CgymProcess.Run("tune", "benchmark://builtin-v0/crc32", "--policy", checkpoint, "--search", "greedy",
            "--max-length", "3", "--time", "0", "-o", output);
        Assert.True(tune.ExitCode == 0, tune.Stdout + tune.Stderr);
        Assert.Contains($"greedy search guided by the policy in {checkpoint}", tune.Stdout);
        Assert.True(File.Exists(Path.Combine(output, "builtin-v0-crc32.bc")));

        var mismatch = CgymProcess.Run("tune", "benchmark://builtin-v0/crc32", "--policy", checkpoint, "--action-space", "llvm-22-oz-subsequences", "-o", output);
        Assert.Equal(1, mismatch.ExitCode);
        Assert.Contains("the policy was trained on llvm-22-passes", mismatch.Stderr);
    }

    [Fact]
    public void Eval_reports_geometric_means_and_every_count_reproduces_with_opt()
    {
        string run = Path.Combine(_dir, "run"), csv = Path.Combine(_dir, "eval.csv");
        var train = CgymProcess.Run(["train", "-o", run, "--steps", "10", .. s_tiny, .. s_benchmarks]);
        Assert.True(train.ExitCode == 0, train.Stdout + train.Stderr);

        var eval = CgymProcess.Run(["eval", "-c", Path.Combine(run, "checkpoint"), "--agent", "policy", "random", "--budget", "10",
            "--csv", csv, .. s_benchmarks]);
        Assert.True(eval.ExitCode == 0, eval.Stdout + eval.Stderr);
        Assert.Contains("geometric means over 2 benchmarks (5 steps per rollout, budget 10)", eval.Stdout);

        var rows = File.ReadAllLines(csv).Select(ParseCsvLine).ToList();
        var header = rows[0];
        string Get(string[] row, string column) => row[Array.IndexOf(header, column)];
        double Number(string[] row, string column) => double.Parse(Get(row, column), CultureInfo.InvariantCulture);
        var results = rows[1..].Where(r => Get(r, "benchmark") != "geomean").ToList();
        Assert.Equal(["policy", "policy", "random", "random"], results.Select(r => Get(r, "agent")));
        Assert.Equal([5.0, 5, 10, 10], results.Select(r => Number(r, "steps")));

        foreach (var row in results)
        {
            double c0 = Number(row, "cost_unoptimized"), oz = Number(row, "cost_reference"), c = Number(row, "cost");
            Assert.Equal((c0 - c) / (c0 - oz), Number(row, "reward"), 1e-9);
            Assert.Equal(c / oz, Number(row, "cost_vs_reference"), 1e-12);
            Assert.Equal(c, CountAfter(Get(row, "commandline")));
        }
        foreach (string agent in new[] { "policy", "random" })
        {
            var mean = rows.Single(r => Get(r, "agent") == agent && Get(r, "benchmark") == "geomean");
            var ratios = results.Where(r => Get(r, "agent") == agent).Select(r => Number(r, "cost_vs_reference")).ToList();
            Assert.Equal(Math.Sqrt(ratios[0] * ratios[1]), Number(mean, "cost_vs_reference"), 1e-12);
            Assert.Contains(agent, eval.Stdout);
        }
    }

    /// <summary>Runs a reported opt-22 command in a scratch folder and counts the instructions of its output.</summary>
    private long CountAfter(string commandline)
    {
        string dir = Directory.CreateDirectory(Path.Combine(_dir, Path.GetRandomFileName())).FullName;
        var shell = ProcessRunner.Run("sh", ["-c", commandline], TimeSpan.FromMinutes(1), dir);
        Assert.True(shell.ExitCode == 0, shell.Stderr);
        using var module = LlvmModule.ParseBitcode(File.ReadAllBytes(Path.Combine(dir, "output.bc")), "output.bc");
        return InstCount.InstructionCount(module);
    }

    /// <summary>One CSV line: fields separated by commas, a field in double quotes may hold commas and doubled quotes.</summary>
    private static string[] ParseCsvLine(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted && ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
            else if (ch == '"') quoted = !quoted;
            else if (ch == ',' && !quoted) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(ch);
        }
        fields.Add(field.ToString());
        return [.. fields];
    }
}
