using System.Diagnostics;
using CompilerGym.Client;
using CompilerGym.Core.Caching;
using CompilerGym.Core.Envs;
using CompilerGym.Service.Sandboxing;
using CompilerGym.Service.Workers;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;

namespace CompilerGym.Benchmarks.Measurements;

/// <summary>
/// What the workers' sandbox costs: two servers in this process, one confining its workers and one
/// not, measured in turns with the same work: a session started in a new worker, steps of the same
/// random actions, and a step that builds and runs the program (the Runtime observation). The
/// first session on a benchmark is shown apart: a sandboxed server first has the benchmark built
/// (or found built) by a worker outside the sandbox.
/// </summary>
internal static class SandboxCost
{
    public static int Run(string benchmark, int rounds, int steps)
    {
        using var sandboxed = new LocalServer(warmWorkers: 0, sandbox: true);
        using var unconfined = new LocalServer(warmWorkers: 0, sandbox: false);
        var servers = new[] { ("sandboxed", sandboxed), ("unconfined", unconfined) };
        var starts = servers.ToDictionary(s => s.Item1, _ => new List<double>());
        var steppings = servers.ToDictionary(s => s.Item1, _ => new List<double>());
        var runs = servers.ToDictionary(s => s.Item1, _ => new List<double>());
        for (int round = 0; round < rounds; round++)
        {
            // Each round alternates which server goes first, so that drift in the machine's load falls on both.
            foreach (var (name, server) in round % 2 == 0 ? servers : servers.Reverse())
            {
                long started = Stopwatch.GetTimestamp();
                using var env = new RemoteEnv(server.Address, observationSpace: "IrInstructionCount");
                env.Reset(benchmark);
                starts[name].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                var random = new Random(round);
                for (int i = 0; i < steps; i++)
                {
                    int action = random.Next(env.ActionSpace.N);
                    long step = Stopwatch.GetTimestamp();
                    env.Step([action]);
                    steppings[name].Add(Stopwatch.GetElapsedTime(step).TotalMicroseconds);
                }
                long run = Stopwatch.GetTimestamp();
                env.Step([], new StepOptions(["Runtime"]));
                runs[name].Add(Stopwatch.GetElapsedTime(run).TotalMilliseconds);
            }
        }
        var calls = new Dictionary<string, List<double>> { ["sandboxed"] = [], ["unconfined"] = [] };
        var bare = WorkerLaunch.Beside(Cache.Root, []);
        foreach (var (name, launch) in new[] { ("sandboxed", new Sandbox([Cache.Root], [], 1L << 30).Confine(bare, [])), ("unconfined", bare) })
        {
            using var worker = WorkerProcess.StartAsync(launch, TimeSpan.FromMinutes(1), NullLogger.Instance).GetAwaiter().GetResult();
            var request = new Protocol.Worker.WorkerRequest { Session = "none", State = new Protocol.V1.GetStateRequest() };
            for (int i = 0; i < 3000; i++)
            {
                long start = Stopwatch.GetTimestamp();
                worker.CallAsync(request, TimeSpan.FromMinutes(1), long.MaxValue).GetAwaiter().GetResult();
                calls[name].Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }
        var table = new Table().AddColumns("median", "sandboxed", "unconfined", "difference", "ratio");
        void Row(string what, Dictionary<string, List<double>> times, string unit, Func<List<double>, double>? of = null)
        {
            of ??= t => Stats.Of(t.Skip(1).ToList()).Median;
            double inside = of(times["sandboxed"]), outside = of(times["unconfined"]);
            table.AddRow(what, $"{inside:F1} {unit}", $"{outside:F1} {unit}", $"{inside - outside:+0.0;-0.0} {unit}", $"{inside / outside:F3}");
        }
        Row("first session on the benchmark", starts, "ms", t => t[0]);
        Row("session start, new worker", starts, "ms");
        Row($"step ({steps} per session)", steppings, "µs", t => Stats.Of(t).Median);
        Row("worker call computing nothing", calls, "µs", t => Stats.Of(t).Median);
        Row("Runtime observation (build and runs)", runs, "ms");
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(benchmark)}[/], {rounds} sessions per server, {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end");
        AnsiConsole.Write(table);
        return 0;
    }
}
