using System.Diagnostics;
using CompilerGym.Client;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Env;
using Spectre.Console;

namespace CompilerGym.Benchmarks.Measurements;

/// <summary>
/// Environment steps per second with N sessions, random actions, a reset every episode, three
/// ways side by side: in process with a thread per env (each its own LLVM context); remote with a
/// thread per env, one call per step (each env its own worker process behind a loopback server);
/// and remote through a <see cref="RemoteVectorEnv"/>, one batched call per step for all N.
/// Each way also reports the CPU time it used per step (this process, which is client and server,
/// plus the workers): on a machine with few cores that, not latency, bounds throughput.
/// </summary>
internal static class Throughput
{
    private enum Way { InProcess, RemotePerStep, RemoteBatched }

    public static void Run(string benchmark, IReadOnlyList<int> sessionCounts, double seconds, int episodeLength)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var c in new[] { "sessions", "env", "steps", "seconds", "steps/s", "steps/s per session", "ratio to in process", "CPU µs per step", "of which workers" }) table.AddColumn(c);
        using var server = new LocalServer();
        foreach (int n in sessionCounts)
        {
            // Each way runs twice, in the order A B C C B A, half the time each: a load on the
            // machine that rises or falls during the measurement weighs on every way alike.
            var totals = Enum.GetValues<Way>().ToDictionary(w => w, _ => new Figures(0, 0, 0, 0));
            foreach (var way in Enum.GetValues<Way>().Concat(Enum.GetValues<Way>().Reverse()))
            {
                totals[way] += Measure(way, n, server.Address, benchmark, seconds / 2, episodeLength);
            }
            double inProcess = totals[Way.InProcess].Steps / totals[Way.InProcess].Seconds;
            foreach (var (way, (steps, elapsed, cpu, workerCpu)) in totals)
            {
                double rate = steps / elapsed;
                string name = way switch { Way.InProcess => "in process, a thread each", Way.RemotePerStep => "remote, a call per step", _ => "remote, a batched call per vector step" };
                table.AddRow(n.ToString(), name, steps.ToString(), elapsed.ToString("F1"), rate.ToString("F0"), (rate / n).ToString("F0"), (rate / inProcess).ToString("F2"),
                    (cpu / steps * 1e6).ToString("F0"), (workerCpu / steps * 1e6).ToString("F0"));
            }
        }
        Console.WriteLine($"{benchmark}: random {LlvmActionSpace.Passes} actions, episodes of {episodeLength} steps, {Environment.ProcessorCount} cores");
        AnsiConsole.Write(table);
    }

    private sealed record Figures(long Steps, double Seconds, double CpuSeconds, double WorkerCpuSeconds)
    {
        public static Figures operator +(Figures a, Figures b) =>
            new(a.Steps + b.Steps, a.Seconds + b.Seconds, a.CpuSeconds + b.CpuSeconds, a.WorkerCpuSeconds + b.WorkerCpuSeconds);

        /// <summary>The figures of a measurement that began at <paramref name="cpuBefore"/> and ends now.</summary>
        public static Figures Ending(long steps, double seconds, Dictionary<int, double> cpuBefore)
        {
            var cpuAfter = TreeCpu.Read();
            double all = TreeCpu.Between(cpuBefore, cpuAfter);
            double self = cpuAfter[Environment.ProcessId] - cpuBefore[Environment.ProcessId];
            return new(steps, seconds, all, all - self);
        }
    }

    private static Figures Measure(Way way, int n, string address, string benchmark, double seconds, int episodeLength) => way switch
    {
        Way.InProcess => Threaded(n, () => new LlvmEnv(observationSpace: "IrInstructionCount"), benchmark, seconds, episodeLength),
        Way.RemotePerStep => Threaded(n, () => new RemoteEnv(address, observationSpace: "IrInstructionCount"), benchmark, seconds, episodeLength),
        _ => Batched(new RemoteVectorEnv(address, n, observationSpace: "IrInstructionCount"), benchmark, seconds, episodeLength),
    };

    // Sessions start, and take an episode, before the clock: a remote session's start includes a worker process's.
    private static Figures Threaded(int n, Func<ICompilerEnv> create, string benchmark, double seconds, int episodeLength)
    {
        var envs = Enumerable.Range(0, n).Select(_ => create()).ToList();
        Parallel.ForEach(envs, env => Warm(env, benchmark, episodeLength));
        long steps = 0;
        var cpu = TreeCpu.Read();
        var clock = Stopwatch.StartNew();
        var threads = envs.Select((env, i) => new Thread(() =>
        {
            var random = new Random(i);
            int count = env.ActionSpace.N;
            long mine = 0;
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                env.Reset();
                for (int s = 0; s < episodeLength; s++) env.Step(random.Next(count));
                mine += episodeLength;
            }
            Interlocked.Add(ref steps, mine);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var run = Figures.Ending(steps, clock.Elapsed.TotalSeconds, cpu);
        envs.ForEach(e => e.Dispose());
        return run;
    }

    // An episode before the clock: a new worker compiles its code at its first steps, once per process.
    private static void Warm(ICompilerEnv env, string benchmark, int episodeLength)
    {
        var random = new Random(-1);
        env.Reset(benchmark);
        for (int s = 0; s < episodeLength; s++) env.Step(random.Next(env.ActionSpace.N));
    }

    private static Figures Batched(RemoteVectorEnv vector, string benchmark, double seconds, int episodeLength)
    {
        using (vector)
        {
            vector.Reset([.. Enumerable.Repeat(benchmark, vector.Count)]);
            var random = new Random(0);
            int count = vector.Envs[0].ActionSpace.N;
            for (int s = 0; s < episodeLength; s++) vector.TryStep([.. Enumerable.Range(0, vector.Count).Select(_ => random.Next(count))]);
            var nulls = new string?[vector.Count];
            long steps = 0;
            var cpu = TreeCpu.Read();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                vector.Reset(nulls);
                for (int s = 0; s < episodeLength; s++) vector.TryStep([.. Enumerable.Range(0, vector.Count).Select(_ => random.Next(count))]);
                steps += (long)episodeLength * vector.Count;
            }
            return Figures.Ending(steps, clock.Elapsed.TotalSeconds, cpu);
        }
    }
}
