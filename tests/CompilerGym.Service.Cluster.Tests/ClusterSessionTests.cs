using CompilerGym.Client;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Llvm.Env;

namespace CompilerGym.Service.Cluster.Tests;

/// <summary>
/// Sessions on a cluster of silos, each a process: spread by placement, and carried on, with the
/// same state, when the silo hosting them is killed or shut down. Every episode is checked against
/// the in-process environment replaying the same actions. A silo whose Redis is gone still stops
/// promptly, and a request abandoned through one silo stops on the silo serving it.
/// </summary>
public class ClusterSessionTests
{
    private const string Observation = "IrInstructionCount";
    private static readonly string[] s_builtins = ["benchmark://builtin-v0/crc32", "benchmark://builtin-v0/sha256"];
    private const string Uploaded = "benchmark://builtin-v0/qsort";
    // A program on which 20,000 gvn passes take longer than a test waits.
    private const string SlowBenchmark = "benchmark://builtin-v0/interp";

    [Fact]
    public void SessionsSpreadOverSilosAndCarryOnWhenASiloIsKilled()
    {
        using var cluster = new LocalCluster(silos: 3);
        // Uploaded through one silo, used through another: the program must be where every silo reads it.
        var episodes = Start(cluster, count: 12, uploadThrough: cluster.Addresses[1], gateway: cluster.Addresses[0]);
        CarryOn(cluster, episodes, steps: 4, () =>
        {
            var hosts = episodes.Select(e => cluster.SiloOf(e.Env.Host)).ToList();
            Assert.DoesNotContain(-1, hosts);
            Assert.True(hosts.Distinct().Count() >= 2, $"12 sessions all on silo {hosts[0]}");
            // The client's gateway survives; the busiest other silo dies with its workers.
            cluster.Kill(hosts.Where(h => h != 0).GroupBy(h => h).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault(1));
        });
    }

    [Fact]
    public void ASiloShutDownHandsItsSessionsOverWithoutAnError()
    {
        using var cluster = new LocalCluster(silos: 2);
        var episodes = Start(cluster, count: 6, uploadThrough: cluster.Addresses[0], gateway: cluster.Addresses[0]);
        CarryOn(cluster, episodes, steps: 3, () =>
        {
            Assert.Contains(episodes, e => cluster.SiloOf(e.Env.Host) == 1);
            cluster.Stop(1);
        });
    }

    [Fact]
    public void ASiloWhoseRedisIsGoneStopsWithinSeconds()
    {
        using var cluster = new LocalCluster(silos: 1);
        var client = LocalCluster.Client(cluster.Addresses[0], out var headers);
        client.StartSession(new Protocol.V1.StartSessionRequest { Benchmark = s_builtins[0] }, headers);
        cluster.KillRedis();
        // Orleans' own retries of the membership writes kept such a silo two minutes; the bound
        // leaves room for a loaded machine.
        var took = cluster.Stop(0);
        Assert.True(took < TimeSpan.FromSeconds(30), $"the silo took {took.TotalSeconds:F1} s to stop");
    }

    [Fact]
    public async Task AStepAbandonedThroughOneSiloStopsOnTheSiloServingItsSession()
    {
        using var cluster = new LocalCluster(silos: 2);
        var start = LocalCluster.Client(cluster.Addresses[0], out var headers)
            .StartSession(new Protocol.V1.StartSessionRequest { Benchmark = SlowBenchmark, ObservationSpace = Observation }, headers);
        // Through the gateway of the silo that does not host the session.
        var gateway = LocalCluster.Client(cluster.Addresses[1 - cluster.SiloOf(start.Host)], out headers);
        var before = gateway.Step(new Protocol.V1.StepRequest { SessionId = start.SessionId, ActionNames = { "mem2reg", "instcombine" } }, headers);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var slow = new Protocol.V1.StepRequest { SessionId = start.SessionId, ActionNames = { Enumerable.Repeat("gvn", 20_000) } };
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await gateway.StepAsync(slow, headers, DateTime.UtcNow.AddSeconds(2)));
        Assert.Equal(Grpc.Core.StatusCode.DeadlineExceeded, error.StatusCode);

        // The state waits for the session to be free again: stopped, not run to its end (or to the
        // step limit of 60 s), and restored without the step.
        var state = gateway.GetState(new Protocol.V1.GetStateRequest { SessionId = start.SessionId }, headers);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the session was busy for {clock.Elapsed.TotalSeconds:F0} s");
        Assert.Equal(["mem2reg", "instcombine"], state.State.Actions);
        var observed = gateway.Step(new Protocol.V1.StepRequest { SessionId = start.SessionId }, headers);
        Assert.Equal(before.Observation.Int64Scalar, observed.Observation.Int64Scalar);
    }

    [Fact]
    public void AClientGivenEverySiloCarriesOnThroughTheNextWhenItsGatewayIsKilled()
    {
        using var cluster = new LocalCluster(silos: 2);
        var episodes = Start(cluster, count: 4, uploadThrough: cluster.Addresses[1], gateway: string.Join(",", cluster.Addresses));
        CarryOn(cluster, episodes, steps: 3, () => cluster.Kill(0));
    }

    [Fact]
    public void AClientGivenEverySiloCarriesOnThroughTheNextWhenItsGatewayIsShutDown()
    {
        using var cluster = new LocalCluster(silos: 2);
        var episodes = Start(cluster, count: 4, uploadThrough: cluster.Addresses[1], gateway: string.Join(",", cluster.Addresses));
        CarryOn(cluster, episodes, steps: 3, () =>
        {
            // The clients' call streams are open on it: the silo ends them rather than wait out its
            // shutdown time-out (30 s) for them.
            var took = cluster.Stop(0);
            Assert.True(took < TimeSpan.FromSeconds(20), $"the silo took {took.TotalSeconds:F1} s to stop");
        });
    }

    [Fact]
    public void AVectorEnvStepsAndResetsItsSessionsByOneCallEach()
    {
        using var cluster = new LocalCluster(silos: 2);
        using var vector = new RemoteVectorEnv(cluster.Addresses[0], 4, observationSpace: Observation);
        vector.Reset([.. Enumerable.Range(0, 4).Select(i => s_builtins[i % 2])]);
        int mem2reg = vector.Envs[0].ActionSpace.IndexOf("mem2reg");
        Assert.All(vector.TryStep([mem2reg, mem2reg, mem2reg, mem2reg]), Assert.NotNull);
        // Started, the sessions reset by one ResetBatch, wherever they live: each as the in-process env resets.
        string[] next = [s_builtins[1], s_builtins[0], s_builtins[1], s_builtins[1]];
        var resets = vector.Reset(next);
        for (int i = 0; i < next.Length; i++)
        {
            using var local = new LlvmEnv(observationSpace: Observation);
            Assert.Equal(local.Reset(next[i]).Observation, resets[i].Observation);
            Assert.Equal((next[i], 0), (vector.Envs[i].Benchmark, vector.Envs[i].State.Actions.Count));
        }
    }

    [Fact]
    public void AnEnvGivenEveryGatewaySendsItsCallsThroughItsSessionsSilo()
    {
        using var cluster = new LocalCluster(silos: 2);
        string gateways = string.Join(",", cluster.Addresses);
        // Started through the first gateway and placed on the silos in turn, they live on both.
        var envs = Enumerable.Range(0, 4).Select(_ => new RemoteEnv(gateways, observationSpace: Observation)).ToList();
        try
        {
            foreach (var env in envs) env.Reset(s_builtins[0]);
            Assert.Equal(2, envs.Select(e => e.Host).Distinct().Count());
            using var local = new LlvmEnv(observationSpace: Observation);
            local.Reset(s_builtins[0]);
            var expected = local.Step(local.Actions["mem2reg"].Id).Observation;
            foreach (var env in envs)
            {
                Assert.Equal(cluster.Addresses[cluster.SiloOf(env.Host)], env.Gateway);
                Assert.Equal(expected, env.Step(env.ActionSpace.IndexOf("mem2reg")).Observation);
            }
        }
        finally { envs.ForEach(e => e.Dispose()); }
        // A vector env's sessions, on both silos, share one connection: it stays where it was.
        using var vector = new RemoteVectorEnv(gateways, 2, observationSpace: Observation);
        vector.Reset([s_builtins[0], s_builtins[0]]);
        Assert.All(vector.Envs, env => Assert.Equal(cluster.Addresses[0], ((RemoteEnv)env).Gateway));
    }

    // Steps every episode, upsets the cluster, steps again: each episode must carry on, with the
    // state the in-process env reaches by the same actions.
    private static void CarryOn(LocalCluster cluster, List<Episode> episodes, int steps, Action upset)
    {
        try
        {
            foreach (var episode in episodes) episode.Step(steps);
            upset();
            try { foreach (var episode in episodes) episode.Step(steps); }
            catch (Grpc.Core.RpcException e) { throw new Xunit.Sdk.XunitException($"{e.Status}\n{cluster.Logs}"); }
            foreach (var episode in episodes) episode.CheckAgainstInProcess();
        }
        finally
        {
            foreach (var episode in episodes) episode.Env.Dispose();
        }
    }

    private static List<Episode> Start(LocalCluster cluster, int count, string uploadThrough, string gateway)
    {
        string uploaded;
        using (var uploader = new RemoteEnv(uploadThrough))
            uploaded = uploader.AddBenchmark("cluster-upload", File.ReadAllBytes(BenchmarkStore.Default.Get(Uploaded).BitcodePath));
        // Listed by every gateway, wherever it was uploaded.
        Assert.Contains(uploaded, ListedUploads(gateway.Split(',')[0]));
        var episodes = new List<Episode>();
        for (int i = 0; i < count; i++)
        {
            var env = new RemoteEnv(gateway, observationSpace: Observation);
            string benchmark = i % 3 == 0 ? uploaded : s_builtins[i % 2];
            env.Reset(benchmark);
            episodes.Add(new Episode(env, benchmark == uploaded ? Uploaded : benchmark, new Random(i)));
        }
        return episodes;
    }

    private static List<string> ListedUploads(string address) =>
        [.. LocalCluster.Client(address, out var headers).ListBenchmarks(new Protocol.V1.ListBenchmarksRequest { Dataset = "user-v0" }, headers)
            .Datasets.Single().Benchmarks];

    /// <summary>One client's session, its actions so far and its last observation.</summary>
    private sealed class Episode(RemoteEnv env, string sameProgram, Random random)
    {
        private readonly List<int> _actions = [];
        private double _last;

        public RemoteEnv Env { get; } = env;

        public void Step(int steps)
        {
            for (int i = 0; i < steps; i++)
            {
                int action = random.Next(Env.ActionSpace.N);
                _actions.Add(action);
                _last = Env.Step(action).Observation!.AsDouble();
            }
        }

        /// <summary>
        /// The in-process env, given the same program and actions, observes the same; the server's
        /// record holds those actions, and its replay validates.
        /// </summary>
        public void CheckAgainstInProcess()
        {
            using var local = new LlvmEnv(observationSpace: Observation);
            local.Reset(sameProgram);
            double expected = 0;
            foreach (int action in _actions) expected = local.Step(action).Observation!.AsDouble();
            Assert.Equal(expected, _last);
            Assert.Equal(_actions.Select(a => Env.ActionSpace.Names![a]), Env.State.Actions);
            // Validated by the gateway, which has the uploaded program only through the cluster's store.
            var validation = Env.Validate();
            Assert.True(validation.Ok, string.Join("; ", validation.Errors));
        }
    }
}
