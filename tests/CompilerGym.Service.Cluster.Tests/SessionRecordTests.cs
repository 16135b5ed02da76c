using System.Diagnostics;
using CompilerGym.Client;
using Google.Protobuf;
using StackExchange.Redis;

namespace CompilerGym.Service.Cluster.Tests;

/// <summary>
/// A session's record in Redis lives as long as the session: ended by its client, or left idle, it
/// goes. A start or a fork sent again, with its request id, makes no second one; a step sent again
/// gets its own reply.
/// </summary>
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
        string id = idle.SessionId!;
        // Stepped through the silo that hosts it (in place, with no Orleans message), a session in
        // use outlives the idle time-out several times over, with no need to be rebuilt.
        var clock = Stopwatch.StartNew();
        for (int steps = 0; clock.Elapsed < TimeSpan.FromSeconds(10); steps++)
        {
            idle.Step(steps % 2);
            Thread.Sleep(500);
        }
        Assert.Equal(id, idle.SessionId);
        Assert.DoesNotContain($"session {id} moves", cluster.Logs);
        clock.Restart();
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

    [Fact]
    public async Task AStartSentAgainThroughAnotherGatewayGetsTheSessionTheFirstMade()
    {
        using var cluster = new LocalCluster(silos: 2);
        using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis);
        var keys = new ClusterKeys(cluster.Id);
        var start = new Protocol.V1.StartSessionRequest { Benchmark = Benchmark, ObservationSpace = "IrInstructionCount", RequestId = Guid.NewGuid().ToString("N") };
        Protocol.V1.StartSessionReply StartThrough(int silo)
        {
            var client = LocalCluster.Client(cluster.Addresses[silo], out var headers);
            return client.StartSession(start, headers);
        }

        // As if the first reply was lost with its gateway: the client sends the start again through the other.
        var first = StartThrough(0);
        var again = StartThrough(1);
        Assert.Equal(first.SessionId, again.SessionId);
        Assert.Equal(first.Observation, again.Observation);
        Assert.Equal(first.Host, again.Host);
        Assert.Equal([first.SessionId], await SessionsInRedisAsync(redis, keys));
        Assert.Equal(1, await SessionsPublishedAsync(redis, keys, silos: 2));

        // Its silo killed before the reply came: the start sent again finds the session moved to the other silo, still one.
        int host = cluster.SiloOf(first.Host), other = 1 - host;
        cluster.Kill(host);
        var moved = StartThrough(other);
        Assert.Equal(first.SessionId, moved.SessionId);
        Assert.Equal(other, cluster.SiloOf(moved.Host));
        Assert.Equal(first.Observation, moved.Observation);
        Assert.Equal([first.SessionId], await SessionsInRedisAsync(redis, keys));

        // Another start, another session.
        start.RequestId = Guid.NewGuid().ToString("N");
        Assert.NotEqual(first.SessionId, StartThrough(other).SessionId);
        Assert.Equal(2, (await SessionsInRedisAsync(redis, keys)).Count);
    }

    [Fact]
    public async Task AStepSentAgainAfterItsSiloDiedGetsItsOwnReply()
    {
        using var cluster = new LocalCluster(silos: 2);
        using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis);
        var database = redis.GetDatabase();
        var keys = new ClusterKeys(cluster.Id);
        Protocol.V1.CompilerGym.CompilerGymClient Through(int silo, out Grpc.Core.Metadata headers) => LocalCluster.Client(cluster.Addresses[silo], out headers);
        var session = Through(0, out var headers).StartSession(new Protocol.V1.StartSessionRequest
        {
            Benchmark = Benchmark, ObservationSpace = "IrInstructionCount", RewardSpace = "IrInstructionCount",
        }, headers);
        var step = new Protocol.V1.StepRequest { SessionId = session.SessionId, ActionNames = { "mem2reg" }, RequestId = Guid.NewGuid().ToString("N") };
        var first = Through(0, out headers).Step(step, headers);
        Assert.NotNull(first.Reward);

        // The reply is kept a moment after the step; a later step (not sent here) would have made it needless.
        var clock = Stopwatch.StartNew();
        while (database.HashGet(keys.Session(session.SessionId), "reply").IsNullOrEmpty && clock.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(10);
        // As if the reply was lost with the silo hosting the session: sent again, the step is not
        // applied twice, and gets its own reply, reward and all, from the session restored elsewhere.
        int host = cluster.SiloOf(session.Host), other = 1 - host;
        cluster.Kill(host);
        var again = Through(other, out headers).Step(step, headers);
        Assert.Equal(first, again);
        var state = Through(other, out headers).GetState(new Protocol.V1.GetStateRequest { SessionId = session.SessionId }, headers).State;
        Assert.Equal(["mem2reg"], state.Actions);

        // The next step's reply replaces it; a reply is never left beside a later step's id.
        step.RequestId = Guid.NewGuid().ToString("N");
        step.ActionNames[0] = "instcombine";
        var next = Through(other, out headers).Step(step, headers);
        clock.Restart();
        while (database.HashGet(keys.Session(session.SessionId), "reply").IsNullOrEmpty && clock.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(10);
        var record = await database.HashGetAsync(keys.Session(session.SessionId), ["request", "reply"]);
        Assert.Equal(step.RequestId, (string?)record[0]);
        Assert.Equal(next.ToByteArray(), (byte[]?)record[1]);
    }

    [Fact]
    public async Task AForkSentAgainThroughAnotherGatewayGetsTheForkTheFirstMade()
    {
        using var cluster = new LocalCluster(silos: 2);
        using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Redis);
        var keys = new ClusterKeys(cluster.Id);
        Protocol.V1.CompilerGym.CompilerGymClient Through(int silo, out Grpc.Core.Metadata headers) => LocalCluster.Client(cluster.Addresses[silo], out headers);
        var start = new Protocol.V1.StartSessionRequest { Benchmark = Benchmark, Actions = { "mem2reg" }, RequestId = Guid.NewGuid().ToString("N") };
        var source = Through(0, out var headers).StartSession(start, headers);
        var fork = new Protocol.V1.ForkRequest { SessionId = source.SessionId, RequestId = Guid.NewGuid().ToString("N") };
        string ForkThrough(int silo) => Through(silo, out var headers).Fork(fork, headers).SessionId;
        List<string> ActionsOf(string session, int silo) =>
            [.. Through(silo, out var headers).GetState(new Protocol.V1.GetStateRequest { SessionId = session }, headers).State.Actions];

        // As if the first reply was lost with its gateway: the client sends the fork again through the other.
        string first = ForkThrough(0);
        // The source moves on (another thread of the client, say): a fork made again would have its step.
        Through(0, out headers).Step(new Protocol.V1.StepRequest { SessionId = source.SessionId, ActionNames = { "instcombine" } }, headers);
        Assert.Equal(first, ForkThrough(1));
        Assert.Equal([first, source.SessionId], (await SessionsInRedisAsync(redis, keys)).Order());
        Assert.Equal(2, await SessionsPublishedAsync(redis, keys, silos: 2));

        // The silo hosting the source and its fork killed before the reply came: the fork sent again
        // reaches the source restored on the other silo, and gets the fork as it was made, still one.
        int host = cluster.SiloOf(source.Host), other = 1 - host;
        cluster.Kill(host);
        Assert.Equal(first, ForkThrough(other));
        Assert.Equal(["mem2reg"], ActionsOf(first, other));
        Assert.Equal(["mem2reg", "instcombine"], ActionsOf(source.SessionId, other));
        Assert.Equal([first, source.SessionId], (await SessionsInRedisAsync(redis, keys)).Order());

        // Another fork, another session; a start's id names no fork; an id past the limit is refused.
        fork.RequestId = Guid.NewGuid().ToString("N");
        Assert.NotEqual(first, ForkThrough(other));
        Assert.Equal(3, (await SessionsInRedisAsync(redis, keys)).Count);
        fork.RequestId = start.RequestId;
        Assert.Equal(Grpc.Core.StatusCode.AlreadyExists, Assert.Throws<Grpc.Core.RpcException>(() => ForkThrough(other)).StatusCode);
        fork.RequestId = new string('x', 129);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, Assert.Throws<Grpc.Core.RpcException>(() => ForkThrough(other)).StatusCode);
    }

    // The ids of the sessions recorded in Redis.
    private static async Task<List<string>> SessionsInRedisAsync(ConnectionMultiplexer redis, ClusterKeys keys)
    {
        string prefix = keys.Session("");
        var ids = new List<string>();
        await foreach (var key in redis.GetServers().Single().KeysAsync(pattern: prefix + "*"))
            if (!key.ToString().EndsWith(":actions", StringComparison.Ordinal)) ids.Add(key.ToString()[prefix.Length..]);
        return ids;
    }

    // The sessions the silos say they host, once all of them have published since they were asked.
    private static async Task<long> SessionsPublishedAsync(ConnectionMultiplexer redis, ClusterKeys keys, int silos)
    {
        var asked = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var figures = await SiloFigures.ReadAllAsync(redis, keys);
            if (figures.Count == silos && figures.All(f => f.Updated > asked)) return figures.Sum(f => f.Sessions);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the silos did not publish their figures: {string.Join("; ", figures)}");
            await Task.Delay(200);
        }
    }
}
