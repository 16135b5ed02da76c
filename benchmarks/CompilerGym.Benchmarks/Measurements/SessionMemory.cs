using System.Diagnostics;
using CompilerGym.Llvm.Env;

namespace CompilerGym.Benchmarks.Measurements;

/// <summary>The resident memory one more open session costs: N envs reset on a benchmark and kept open.</summary>
internal static class SessionMemory
{
    public static void Run(string benchmark, int sessions)
    {
        using var warm = new LlvmEnv();
        warm.Reset(benchmark);
        warm.Observe("IrInstructionCountOz"); // baselines are per benchmark, shared: not a per-session cost
        long before = Resident();
        var envs = Enumerable.Range(0, sessions).Select(_ => new LlvmEnv()).ToList();
        foreach (var env in envs)
        {
            env.Reset(benchmark);
            env.Step([env.Actions["sroa"].Id, env.Actions["instcombine"].Id]);
        }
        long after = Resident();
        Console.WriteLine($"{benchmark}: {sessions} open sessions add {(after - before) / 1048576.0:F1} MiB resident, " +
                          $"{(after - before) / 1024.0 / sessions:F0} KiB per session");
        envs.ForEach(e => e.Dispose());
    }

    private static long Resident()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }
}
