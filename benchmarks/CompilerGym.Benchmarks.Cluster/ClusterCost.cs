using System.Diagnostics;
using CompilerGym.Cli.Tests;
using CompilerGym.Client;
using CompilerGym.Llvm.Actions;
using CompilerGym.Benchmarks.Measurements;
using CompilerGym.Service.Cluster.Tests;
using Spectre.Console;

namespace CompilerGym.Benchmarks.Cluster;

/// <summary>
/// What the cluster path costs and buys, each server a process of its own on loopback: the same
/// random steps through a single <c>cgym serve</c>, a cluster of one silo and a cluster of two
/// (sessions wherever Orleans places them, calls through the first silo, or through the session's
/// own silo for a client given both gateways), in interleaved rounds;
/// steps per second with N sessions on one silo and on two; how long a session takes to answer
/// again after the silo hosting it is killed, with the failure-detector settings of the cluster
/// tests; and a greedy search of a large program alone and with a helper env (<see cref="SearchTrials"/>).
/// </summary>
internal static class ClusterCost
{
    public static void Run(string benchmark, int rounds, int steps, int sessions, double seconds, int recoveries, SearchSettings search)
    {
        var space = LlvmActionSpace.Get(LlvmActionSpace.Passes);
        using var single = new ServeProcess(new Dictionary<string, string>());
        using var one = new LocalCluster(silos: 1);
        using var two = new LocalCluster(silos: 2);
        Console.WriteLine($"{benchmark}: {rounds} rounds of {steps} random {space.Name} steps per server; {Environment.ProcessorCount} cores, load {Load()}");

        var servers = new (string Name, string Address)[]
        {
            ("single server", single.Address), ("cluster of 1 silo", one.Addresses[0]), ("cluster of 2 silos", two.Addresses[0]),
            // Given both, an env sends its calls through the gateway of its session's silo.
            ("cluster of 2 silos, both gateways given", string.Join(",", two.Addresses)),
        };
        var times = servers.ToDictionary(s => s.Name, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
            foreach (var (name, address) in servers)
                times[name].AddRange(Steps(address, benchmark, space, steps, seed: round));
        var baseline = Stats.Of(times[servers[0].Name]);
        var table = new Table().Border(TableBorder.Simple);
        foreach (string c in new[] { "server", "steps", "median µs/step", "mean µs/step", "median / single server" }) table.AddColumn(c);
        foreach (var (name, _) in servers)
        {
            var s = Stats.Of(times[name]);
            table.AddRow(name, s.Count.ToString(), s.Median.ToString("F0"), s.Mean.ToString("F0"), (s.Median / baseline.Median).ToString("F2"));
        }
        AnsiConsole.Write(table);

        Console.WriteLine($"throughput, {sessions} sessions stepping for {seconds:G} s each way (load {Load()}):");
        foreach (var (name, address) in servers)
            Console.WriteLine($"  {name}: {Throughput(address, benchmark, space, sessions, seconds):F0} steps/s");

        var recovered = new List<double>();
        for (int i = 0; i < recoveries; i++) recovered.Add(Recovery(two, benchmark, space, steps));
        if (recoveries > 0)
            Console.WriteLine($"recovery after kill -9 of the silo hosting a session of {steps} actions (probe time-out 1 s, 2 missed probes, 1 vote): " +
                $"{string.Join(", ", recovered.Select(r => $"{r:F2} s"))}; median {recovered.Order().ElementAt(recovered.Count / 2):F2} s");
        Console.WriteLine($"false suspicions (a live silo declared dead) over the run: {FalseSuspicions(one) + FalseSuspicions(two)}");

        if (search.Rounds > 0) SearchTrials.Run(two, search);
    }

    // Each step alone, taken in turn on two new sessions (on a cluster of two, one on each silo:
    // placement takes the silos in turn), after an untimed reset.
    private static List<double> Steps(string address, string benchmark, LlvmActionSpace space, int steps, int seed)
    {
        var random = new Random(seed);
        using var first = new RemoteEnv(address, observationSpace: "IrInstructionCount");
        using var second = new RemoteEnv(address, observationSpace: "IrInstructionCount");
        first.Reset(benchmark);
        second.Reset(benchmark);
        var times = new List<double>(steps);
        for (int i = 0; i < steps; i++)
        {
            int action = random.Next(space.Actions.Count);
            var env = i % 2 == 0 ? first : second;
            long start = Stopwatch.GetTimestamp();
            env.Step(action);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
        return times;
    }

    private static double Throughput(string address, string benchmark, LlvmActionSpace space, int sessions, double seconds)
    {
        var envs = Enumerable.Range(0, sessions).Select(_ => new RemoteEnv(address, observationSpace: "IrInstructionCount")).ToList();
        try
        {
            Parallel.ForEach(envs, env => env.Reset(benchmark));
            long steps = 0;
            var until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
            var threads = envs.Select((env, i) => new Thread(() =>
            {
                var random = new Random(i);
                int n = 0;
                while (Stopwatch.GetTimestamp() < until)
                {
                    // Episodes of 50 steps, as an agent's.
                    if (++n % 50 == 0) env.Reset();
                    env.Step(random.Next(space.Actions.Count));
                    Interlocked.Increment(ref steps);
                }
            })).ToList();
            long started = Stopwatch.GetTimestamp();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            return steps / Stopwatch.GetElapsedTime(started).TotalSeconds;
        }
        finally { envs.ForEach(e => e.Dispose()); }
    }

    // Seconds from the kill of the silo hosting a session (not the client's gateway) to the answer of its next step.
    private static double Recovery(LocalCluster cluster, string benchmark, LlvmActionSpace space, int actions)
    {
        var random = new Random(actions);
        while (true)
        {
            using var env = new RemoteEnv(string.Join(",", cluster.Addresses.Where(a => a.Length > 0)), observationSpace: "IrInstructionCount");
            env.Reset(benchmark);
            int silo = cluster.SiloOf(env.Host);
            // Only a session away from the gateway measures the cluster's recovery alone; placement,
            // which takes the silos in turn, puts the next one elsewhere.
            if (silo == 0) continue;
            for (int i = 0; i < actions; i++) env.Step(random.Next(space.Actions.Count));
            cluster.Kill(silo);
            long start = Stopwatch.GetTimestamp();
            env.Step(random.Next(space.Actions.Count));
            double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            cluster.AddSilo();
            return elapsed;
        }
    }

    private static int FalseSuspicions(LocalCluster cluster) =>
        cluster.Logs.Split('\n').Count(line => line.Contains("declared dead", StringComparison.OrdinalIgnoreCase) || line.Contains("Suspect", StringComparison.Ordinal));

    private static string Load() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
