using System.Diagnostics;
using CompilerGym.Client;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Env;
using Spectre.Console;

namespace CompilerGym.Benchmarks.Measurements;

/// <summary>
/// Memory over a long run of one env: random steps with the chosen observation and reward, a reset
/// every episode, forks now and then; the managed heap and the process's resident set are sampled
/// after each tenth of the run (remote: this process holds the server's front end, and the
/// workers' resident memory is added). Flat numbers mean nothing leaks, managed or native.
/// </summary>
internal static class MemoryGrowth
{
    public static void Run(string benchmark, int totalSteps, int episodeLength, bool remote)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var c in new[] { "steps", "managed heap MiB", "resident MiB", "elapsed s" }) table.AddColumn(c);
        if (remote) table.AddColumn("workers' resident MiB");
        using var server = remote ? new LocalServer(warmWorkers: 0) : null;
        using ICompilerEnv env = server is not null
            ? new RemoteEnv(server.Address, observationSpace: "Autophase", rewardSpace: "IrInstructionCountOz")
            : new LlvmEnv(observationSpace: "Autophase", rewardSpace: "IrInstructionCountOz");
        var random = new Random(0);
        int count = env.ActionSpace.N;
        var clock = Stopwatch.StartNew();
        for (int step = 0; step < totalSteps; step++)
        {
            if (step % episodeLength == 0) env.Reset(benchmark);
            env.Step(random.Next(count));
            if (step % 1000 == 999) env.Fork().Dispose();
            if ((step + 1) % (totalSteps / 10) == 0)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                using var self = Process.GetCurrentProcess();
                string[] row = [(step + 1).ToString(), (GC.GetTotalMemory(true) / 1048576.0).ToString("F1"),
                    (self.WorkingSet64 / 1048576.0).ToString("F1"), clock.Elapsed.TotalSeconds.ToString("F0")];
                table.AddRow(server is null ? row : [.. row, (server.WorkerResidentBytes / 1048576.0).ToString("F1")]);
            }
        }
        Console.WriteLine($"{benchmark}: {(remote ? "remote" : "in process")}, {totalSteps} steps, Autophase observation and IrInstructionCountOz reward each step, reset every {episodeLength}, a fork every 1000");
        AnsiConsole.Write(table);
    }
}
