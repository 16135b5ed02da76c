using System.Diagnostics;
using CompilerGym.Client;
using StackExchange.Redis;

namespace CompilerGym.Service.Cluster.Tests;

/// <summary>A session's record in Redis lives as long as the session: ended by its client, or left idle, it goes.</summary>
public class SessionRecordTests
{
    private const string Benchmark = "benchmark://builtin-v0/crc32";

    [Fact]
    public void EndingASessionOrLeavingItIdleDeletesItsRecord()
    {
        using var cluster = new LocalCluster(silos: 1, new Dictionary<string, string> { ["CGYM_Service__IdleTimeoutSeconds"] = "3" });
        using var redis = ConnectionMultiplexer.Connect(cluster.Redis);
        var database = redis.GetDatabase();
        var keys = new ClusterKeys(cluster.Id);

        string ended;
        using (var env = new RemoteEnv(cluster.Addresses[0]))
        {
            env.Reset(Benchmark);
            env.Step(0);
            ended = env.SessionId!;
            Assert.True(database.KeyExists(keys.Session(ended)));
            Assert.Equal(1, database.ListLength(keys.SessionActions(ended)));
        }
        Assert.False(database.KeyExists(keys.Session(ended)));
        Assert.False(database.KeyExists(keys.SessionActions(ended)));

        using var idle = new RemoteEnv(cluster.Addresses[0]);
        idle.Reset(Benchmark);
        idle.Step(0);
        string id = idle.SessionId!;
        var clock = Stopwatch.StartNew();
        while (database.KeyExists(keys.Session(id)) && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(250);
        Assert.False(database.KeyExists(keys.Session(id)), "the record of a session idle past its time-out is still there after a minute");
        Assert.False(database.KeyExists(keys.SessionActions(id)));
        var error = Assert.ThrowsAny<Exception>(() => idle.Step(0));
        Assert.Contains("unknown session", error.Message);
        // Ids the cluster could not have made, long or well formed, reach no session and leave no record.
        foreach (string forged in (string[])[new string('s', 100_000), "s" + Guid.NewGuid().ToString("N"), "f" + Guid.NewGuid().ToString("N")])
        {
            var call = Assert.Throws<Grpc.Core.RpcException>(() => LocalCluster.Client(cluster.Addresses[0], out var headers)
                .GetState(new Protocol.V1.GetStateRequest { SessionId = forged }, headers));
            Assert.Equal(Grpc.Core.StatusCode.NotFound, call.StatusCode);
            Assert.False(database.KeyExists(keys.Session(forged)));
        }
    }
}
