using System.Text.RegularExpressions;
using CompilerGym.Cli.Tests;
using Microsoft.Data.Sqlite;

namespace CompilerGym.Service.Cluster.Tests;

/// <summary>
/// <c>cgym tune --jobs --trial-envs</c> through a cluster's gateways: programs tuned side by side in
/// sessions on the cluster's silos, each search's trials side by side on sessions of their own, get
/// the very results they get in process, tuned one search step at a time.
/// </summary>
public partial class TuneOverClusterTests : IDisposable
{
    private static readonly string[] s_programs = ["benchmark://builtin-v0/crc32", "benchmark://builtin-v0/sha256", "benchmark://builtin-v0/qsort"];

    private readonly string _output = Directory.CreateTempSubdirectory("cgym-tune-cluster-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public void ProgramsTunedSideBySideOverSilosGetTheResultsTheyGetInProcess()
    {
        using var cluster = new LocalCluster(silos: 2);
        // A step budget and no time limit: the same result wherever a program is tuned.
        string[] Tune(string folder) =>
            ["tune", .. s_programs, "--beam-width", "2", "--time", "0", "--max-steps", "60", "--jobs", "3", "-o", Path.Combine(_output, folder)];
        var local = CgymProcess.Run(Tune("local"));
        Assert.True(local.ExitCode == 0, local.Stdout + local.Stderr);
        var remote = CgymProcess.Run([.. Tune("cluster"), "--trial-envs", "2", "--remote", string.Join(",", cluster.Addresses)]);
        Assert.True(remote.ExitCode == 0, $"{remote.Stdout}{remote.Stderr}\n{cluster.Logs}");

        var results = Results("cluster");
        Assert.Equal(s_programs.Order(), results.Select(r => r.Program));
        Assert.Equal(Results("local"), results);

        // Each program's line names the silos of its sessions (two per action space searched: its
        // search's and a helper), which placement spreads over both silos, though they all started at once.
        var lines = remote.Stdout.Split('\n').Select(line => Finished().Match(line)).Where(m => m.Success).ToList();
        Assert.Equal(s_programs.Length, lines.Count);
        var silos = lines.SelectMany(m => m.Groups["hosts"].Value.Split(", ")).Select(cluster.SiloOf).ToList();
        Assert.All(silos, silo => Assert.InRange(silo, 0, 1));
        Assert.Equal(2, silos.Distinct().Count());
    }

    /// <summary>Each program's best cost, actions and steps tried, by program.</summary>
    private List<(string Program, double Best, string Actions, int Evaluations)> Results(string folder)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_output, folder, "results.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT program, best, actions, evaluations FROM results ORDER BY program";
        using var r = command.ExecuteReader();
        var results = new List<(string, double, string, int)>();
        while (r.Read()) results.Add((r.GetString(0), r.GetDouble(1), r.GetString(2), r.GetInt32(3)));
        return results;
    }

    // "crc32 on 127.0.0.1:11111, 127.0.0.1:11112: IrInstructionCount 558 -> 227 ..."
    [GeneratedRegex(@"^\w+ on (?<hosts>[^:]+:\d+(, [^:]+:\d+)*): IrInstructionCount")]
    private static partial Regex Finished();
}
