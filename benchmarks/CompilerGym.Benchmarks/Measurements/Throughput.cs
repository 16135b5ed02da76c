using System.Diagnostics;
using CompilerGym.Client;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Env;
using Spectre.Console;

namespace CompilerGym.Benchmarks.Measurements;

/// <summary>
/// Environment steps per second with N sessions stepping in parallel threads, each with its own
/// env (in process: its own LLVM context; remote: its own worker process behind a loopback
/// server), random actions, a reset every episode.
/// </summary>
internal static class Throughput
{
    public static void Run(string benchmark, IReadOnlyList<int> sessionCounts, double seconds, int episodeLength)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var c in new[] { "env", "sessions", "steps", "seconds", "steps/s", "steps/s per session" }) table.AddColumn(c);
        using var server = new LocalServer();
        foreach (bool remote in new[] { false, true })
        foreach (int n in sessionCounts)
        {
            long steps = 0;
            // Sessions start before the clock: a remote session's start includes a worker process's.
            var envs = Enumerable.Range(0, n).Select(_ => remote
                ? (ICompilerEnv)new RemoteEnv(server.Address, observationSpace: "IrInstructionCount")
                : new LlvmEnv(observationSpace: "IrInstructionCount")).ToList();
            Parallel.ForEach(envs, env => env.Reset(benchmark));
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
            double elapsed = clock.Elapsed.TotalSeconds;
            envs.ForEach(e => e.Dispose());
            table.AddRow(remote ? "remote" : "in process", n.ToString(), steps.ToString(), elapsed.ToString("F1"), (steps / elapsed).ToString("F0"), (steps / elapsed / n).ToString("F0"));
        }
        Console.WriteLine($"{benchmark}: random {LlvmActionSpace.Passes} actions, episodes of {episodeLength} steps, {Environment.ProcessorCount} cores");
        AnsiConsole.Write(table);
    }
}
