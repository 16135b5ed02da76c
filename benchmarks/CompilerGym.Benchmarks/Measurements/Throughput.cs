using System.Diagnostics;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Env;
using Spectre.Console;

namespace CompilerGym.Benchmarks.Measurements;

/// <summary>
/// Environment steps per second with N sessions stepping in parallel threads, each with its own
/// env (its own LLVM context), random actions, a reset every episode.
/// </summary>
internal static class Throughput
{
    public static void Run(string benchmark, IReadOnlyList<int> sessionCounts, double seconds, int episodeLength)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var c in new[] { "sessions", "steps", "seconds", "steps/s", "steps/s per session" }) table.AddColumn(c);
        foreach (int n in sessionCounts)
        {
            long steps = 0;
            var clock = Stopwatch.StartNew();
            var threads = Enumerable.Range(0, n).Select(i => new Thread(() =>
            {
                using var env = new LlvmEnv(observationSpace: "IrInstructionCount");
                var random = new Random(i);
                int count = env.ActionSpace.N;
                long mine = 0;
                while (clock.Elapsed.TotalSeconds < seconds)
                {
                    env.Reset(benchmark);
                    for (int s = 0; s < episodeLength; s++) env.Step(random.Next(count));
                    mine += episodeLength;
                }
                Interlocked.Add(ref steps, mine);
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            double elapsed = clock.Elapsed.TotalSeconds;
            table.AddRow(n.ToString(), steps.ToString(), elapsed.ToString("F1"), (steps / elapsed).ToString("F0"), (steps / elapsed / n).ToString("F0"));
        }
        Console.WriteLine($"{benchmark}: random {LlvmActionSpace.Passes} actions, episodes of {episodeLength} steps, {Environment.ProcessorCount} cores");
        AnsiConsole.Write(table);
    }
}
