using System.CommandLine;
using System.Globalization;
using CompilerGym.Service.Cluster;
using StackExchange.Redis;

namespace CompilerGym.Cli.Commands;

/// <summary>
/// <c>cgym cluster</c>: <c>up</c> runs a cluster of silos on this machine, to try one; <c>status</c>
/// shows the live silos of any cluster, from the figures they publish to its Redis.
/// </summary>
internal static class ClusterCommand
{
    public const string Name = "cluster", Up = "up";

    /// <summary>How long <c>cluster up</c> may take to stop after Ctrl+C or SIGTERM: the silos' grace, then killing them.</summary>
    public static readonly TimeSpan StopTime = SiloProcess.StopGrace + TimeSpan.FromSeconds(10);

    public static Command Create() => new(Name, "Run a cluster of silos on this machine, or show a cluster's silos") { CreateUp(), CreateStatus() };

    private static Option<string> ClusterId() => new("--cluster-id")
    {
        Description = "The cluster's id (several clusters can share one Redis)",
        DefaultValueFactory = _ => new ClusterSettings().ClusterId,
    };

    private static Command CreateUp()
    {
        var count = new Argument<int>("silos") { Description = "How many silos to start" };
        count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError("silos must be at least 1");
        });
        var redis = new Option<string?>("--redis") { Description = "The cluster's Redis server (HOST:PORT); default a redis-server of its own on loopback, keeping nothing on disk" };
        var clusterId = ClusterId();
        var command = new Command(Up, "Start a cluster of silos (cgym serve --cluster) on this machine, until Ctrl+C") { count, redis, clusterId };
        command.SetAction(async (r, cancellation) =>
        {
            RedisServer? ownRedis = null;
            var silos = new List<SiloProcess>();
            try
            {
                string? given = r.GetValue(redis);
                if (given is null) ownRedis = new RedisServer();
                string redisAddress = given ?? ownRedis!.Configuration;
                string id = r.GetValue(clusterId)!;
                // One after another: the first creates the cluster's membership table, the others join it.
                for (int i = 0; i < r.GetValue(count); i++) silos.Add(await SiloProcess.StartAsync(i, redisAddress, id, cancellation));
                PrintCluster(silos, redisAddress, id, ownRedis);
                await Task.Delay(Timeout.Infinite, cancellation);
                return 0;
            }
            catch (OperationCanceledException)
            {
                return 0; // Ctrl+C or SIGTERM: stopped below
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"cgym: error: {e.Message}");
                return 1;
            }
            finally
            {
                if (silos.Count > 0) Console.Error.WriteLine($"cgym cluster up: stopping {silos.Count} silos");
                await Task.WhenAll(silos.Select(s => s.StopAsync()));
                foreach (var silo in silos) silo.Dispose();
                ownRedis?.Dispose();
            }
        });
        return command;
    }

    private static void PrintCluster(List<SiloProcess> silos, string redis, string clusterId, RedisServer? ownRedis)
    {
        CommonOptions.Table($"cluster {clusterId}: {silos.Count} silos", ["silo", "gRPC address", "silo port", "pid"],
            silos.Select((s, i) => new[] { i.ToString(), s.Address, s.SiloPort.ToString(), s.Id.ToString() }));
        Console.WriteLine($"cgym cluster up: redis {redis}{(ownRedis is null ? "" : $" (redis-server pid {ownRedis.Id})")}");
        // Scripts and tests read the gateways from this line; it is what --remote takes.
        Console.WriteLine($"cgym cluster up: gateways {string.Join(",", silos.Select(s => s.Address))}");
        Console.WriteLine("cgym cluster up: Ctrl+C stops the cluster");
    }

    private static Command CreateStatus()
    {
        var redis = new Option<string>("--redis") { Description = "The cluster's Redis server (HOST:PORT)", Required = true };
        var clusterId = ClusterId();
        var command = new Command("status", "Show the live silos of a cluster: their sessions, steps per second and workers' memory") { redis, clusterId };
        command.SetAction(async r =>
        {
            string redisAddress = r.GetValue(redis)!, id = r.GetValue(clusterId)!;
            IReadOnlyList<SiloFigures> silos;
            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync(redisAddress);
                silos = await SiloFigures.ReadAllAsync(connection, new ClusterKeys(id));
            }
            catch (Exception e) when (e is RedisException or ArgumentException)
            {
                Console.Error.WriteLine($"cgym: error: cannot read the cluster from Redis at {redisAddress}: {e.Message}");
                return 1;
            }
            if (silos.Count == 0)
            {
                Console.Error.WriteLine($"cgym: no live silo of cluster '{id}' in Redis at {redisAddress}");
                return 1;
            }
            PrintStatus(silos, id);
            return 0;
        });
        return command;
    }

    private static void PrintStatus(IReadOnlyList<SiloFigures> silos, string clusterId)
    {
        var now = DateTimeOffset.UtcNow;
        static string Number(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
        var rows = silos.Select(s => new[]
        {
            s.Silo, s.Gateway, s.Sessions.ToString(), Number(s.StepsPerSecond), s.WorkerMiB.ToString(), Number((now - s.Updated).TotalSeconds),
        });
        string[] total = ["total", $"{silos.Count} silos", silos.Sum(s => s.Sessions).ToString(), Number(silos.Sum(s => s.StepsPerSecond)),
            silos.Sum(s => s.WorkerMiB).ToString(), ""];
        CommonOptions.Table($"cluster {clusterId}", ["silo", "gateway", "sessions", "steps/s", "worker MiB", "updated (s ago)"], [.. rows, total]);
    }
}
