using System.Diagnostics;
using System.Text.RegularExpressions;
using CompilerGym.Cli.Tests;
using CompilerGym.Client;
using StackExchange.Redis;

namespace CompilerGym.Service.Cluster.Tests;

/// <summary><c>cgym cluster status</c> and <c>cgym cluster up</c>, run as a user would, against real silos and Redis.</summary>
public class ClusterCommandTests
{
    private const string Benchmark = "benchmark://builtin-v0/crc32";
    private const string Gateways = "cgym cluster up: gateways ";

    [Fact]
    public async Task Status_lists_every_silo_and_the_sessions_of_the_cluster()
    {
        using var cluster = new LocalCluster(silos: 2);
        using var env = new RemoteEnv(cluster.Addresses[0]);
        env.Reset(Benchmark);
        for (int i = 0; i < 3; i++) env.Step(i);
        // The silos publish their figures every half second.
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis))
        {
            var keys = new ClusterKeys(cluster.Id);
            var deadline = Stopwatch.StartNew();
            while ((await SiloFigures.ReadAllAsync(redis, keys)) is var silos && (silos.Count < 2 || silos.Sum(s => s.Sessions) < 1))
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"the silos' figures did not show the session: {string.Join("; ", silos)}");
                await Task.Delay(200);
            }
        }

        var status = CgymProcess.Run("cluster", "status", "--redis", cluster.Redis, "--cluster-id", cluster.Id);
        Assert.True(status.ExitCode == 0, status.Stderr);
        var rows = status.Stdout.Split('\n').Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(cells => cells.Length > 0).ToList();
        Assert.Equal([0, 1], rows.Select(cells => cluster.SiloOf(cells[0])).Where(silo => silo >= 0).Order());
        // total, "2 silos", then the sessions.
        var total = Assert.Single(rows, cells => cells[0] == "total");
        Assert.True(int.Parse(total[3]) >= 1, status.Stdout);
    }

    [Theory]
    [InlineData("127.0.0.1:1", "It was not possible to connect")] // nothing listens on port 1
    [InlineData("==,garbage=x", "Cluster:Redis '==,garbage=x' is not a Redis configuration")]
    public void Serve_with_a_Redis_it_cannot_use_says_so(string redis, string expected)
    {
        var serve = CgymProcess.Run("serve", "--port", "0", "--cluster", redis);
        Assert.Equal(1, serve.ExitCode);
        Assert.Contains("cgym: error:", serve.Stderr);
        Assert.Contains(expected, serve.Stderr);
        Assert.DoesNotContain("Unhandled exception", serve.Stderr);
    }

    [Fact]
    public void Status_without_live_silos_says_so()
    {
        using var redis = new RedisServer();
        var status = CgymProcess.Run("cluster", "status", "--redis", redis.Configuration, "--cluster-id", "nobody");
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("no live silo", status.Stderr);
    }

    [Fact]
    public void Status_without_Redis_says_so()
    {
        var status = CgymProcess.Run("cluster", "status", "--redis", $"127.0.0.1:{RedisServer.FreePort()}");
        Assert.Equal(1, status.ExitCode);
        Assert.Contains("cannot read the cluster from Redis", status.Stderr);
    }

    [Fact]
    public async Task Up_serves_sessions_and_stops_its_silos_and_redis_on_SIGTERM()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])[CgymProcess.Dll, "cluster", "up", "2", "--cluster-id", "test-" + Guid.NewGuid().ToString("N")[..12]])
            info.ArgumentList.Add(a);
        using var up = Process.Start(info)!;
        var log = new System.Text.StringBuilder();
        up.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        up.BeginErrorReadLine();
        var output = new List<string>();
        try
        {
            while (output.LastOrDefault()?.StartsWith(Gateways) != true)
                output.Add(await up.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2))
                    ?? throw new Xunit.Sdk.XunitException($"cluster up ended before it listed its gateways:\n{log}"));
            string[] gateways = output[^1][Gateways.Length..].Split(',');
            Assert.Equal(2, gateways.Length);
            // The silos' pids are the table's last column; the redis-server's is on its own line.
            var pids = output.Where(line => line.Contains("http://") && line != output[^1]).Select(line => int.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1]))
                .Append(int.Parse(output.Select(line => Regex.Match(line, @"redis-server pid (\d+)")).Single(m => m.Success).Groups[1].Value)).ToList();
            Assert.Equal(3, pids.Count);

            using (var env = new RemoteEnv(gateways[0]))
            {
                env.Reset(Benchmark);
                for (int i = 0; i < 3; i++) env.Step(i);
            }

            using (var kill = Process.Start("kill", ["-TERM", up.Id.ToString()])) kill.WaitForExit();
            Assert.True(up.WaitForExit(TimeSpan.FromSeconds(60)), $"cluster up did not stop within a minute of SIGTERM:\n{log}");
            Assert.Equal(0, up.ExitCode);
            foreach (int pid in pids) Assert.False(Exists(pid), $"process {pid} outlived cluster up");
        }
        finally
        {
            if (!up.HasExited) up.Kill(entireProcessTree: true);
        }
    }

    private static bool Exists(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
