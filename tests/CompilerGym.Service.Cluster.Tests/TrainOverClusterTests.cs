using System.Text.RegularExpressions;
using CompilerGym.Cli.Tests;

namespace CompilerGym.Service.Cluster.Tests;

/// <summary>
/// <c>cgym train --remote</c> through a cluster's gateways: the envs' sessions spread over the
/// silos, and the run learns what it learns in process.
/// </summary>
public partial class TrainOverClusterTests : IDisposable
{
    private const int Envs = 4;

    private readonly string _output = Directory.CreateTempSubdirectory("cgym-train-cluster-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public void A_run_over_two_silos_spreads_its_envs_and_learns_as_in_process()
    {
        using var cluster = new LocalCluster(silos: 2);
        // Two updates of four envs playing one 5-step episode each.
        string[] Train(string folder) =>
        [
            "train", "-b", "benchmark://builtin-v0/crc32", "benchmark://builtin-v0/sha256", "--steps", "40", "--envs", Envs.ToString(),
            "--episode-length", "5", "--episodes-per-update", "1", "--minibatches", "2", "-o", Path.Combine(_output, folder),
        ];
        var local = CgymProcess.Run(Train("local"));
        Assert.True(local.ExitCode == 0, local.Stdout + local.Stderr);
        var remote = CgymProcess.Run([.. Train("cluster"), "--remote", string.Join(",", cluster.Addresses)]);
        Assert.True(remote.ExitCode == 0, $"{remote.Stdout}{remote.Stderr}\n{cluster.Logs}");

        Assert.Equal(2, Curve("local").Count);
        Assert.Equal(Curve("local"), Curve("cluster"));

        // "4 envs on 127.0.0.1:11111, 127.0.0.1:11112": placed in turn, though they all started at once.
        var placed = Placed().Match(remote.Stdout);
        Assert.True(placed.Success, remote.Stdout);
        Assert.Equal([0, 1], placed.Groups["hosts"].Value.Split(", ").Select(cluster.SiloOf).Order());
        Assert.DoesNotMatch(Placed(), local.Stdout);
    }

    /// <summary>The learning curve's rows without their times, which differ from run to run.</summary>
    private List<string> Curve(string folder)
    {
        var lines = File.ReadAllLines(Path.Combine(_output, folder, "learning-curve.csv"));
        var header = lines[0].Split(',');
        int[] kept = [.. Enumerable.Range(0, header.Length).Where(i => header[i] is not ("seconds" or "steps_per_second"))];
        return [.. lines[1..].Select(line => line.Split(',')).Select(cells => string.Join(',', kept.Select(i => cells[i])))];
    }

    [GeneratedRegex(@"^\d+ envs on (?<hosts>[^:\s]+:\d+(, [^:\s]+:\d+)*)\s*$", RegexOptions.Multiline)]
    private static partial Regex Placed();
}
