using CompilerGym.Core.Statistics;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Datasets;

namespace CompilerGym.Llvm.Execution;

/// <summary>
/// One IR state as a program: built into an executable on first use, then measured on request.
/// Every measured run must end as the benchmark's reference run did (exit by itself, same exit
/// code), so that a miscompiled build that crashes early is an error, not a fast program.
/// </summary>
public sealed class BuiltProgram(LlvmModule module, TargetMachine machine, LlvmBenchmark benchmark, RuntimeOptions options) : IDisposable
{
    private Executable? _executable;

    public Executable Executable => _executable ??= Executable.Build(module, machine, benchmark.RequireRunSpec(), benchmark.ProgramName);

    public long TextSizeBytes() => Executable.TextSizeBytes();

    public long BuildtimeMicroseconds() => Microseconds(Executable.BuildTime);

    /// <summary>The wall times of the measured runs, in microseconds, after the warm-up runs.</summary>
    public long[] WallTimesMicroseconds() => [.. MeasuredRuns(counter: null).Select(r => Microseconds(r.WallTime))];

    /// <summary>The median of the measured runs' user-space CPU cycles (hardware counters; unavailable without them).</summary>
    public long Cycles()
    {
        if (PerfEvent.Cycles.Unavailable() is { } reason)
            throw new ObservationUnavailableException($"hardware cycle counts are unavailable on this machine: {reason}; "
                + "virtual machines often expose no hardware performance counters (CyclesEstimate is a deterministic alternative)");
        return Median.Of([.. MeasuredRuns(PerfEvent.Cycles).Select(r => r.CounterValue!.Value)]);
    }

    public CallgrindCounts Callgrind()
    {
        benchmark.RequireRunnable();
        var (run, counts) = Execution.Callgrind.Run(Executable);
        Check(run);
        return counts;
    }

    public void Dispose() => _executable?.Dispose();

    private List<RunResult> MeasuredRuns(PerfEvent? counter)
    {
        benchmark.RequireRunnable();
        for (int i = 0; i < options.WarmupRuns; i++) Check(Executable.Run(counter: counter));
        return [.. Enumerable.Range(0, options.Runs).Select(_ => Check(Executable.Run(counter: counter)))];
    }

    private RunResult Check(RunResult run)
    {
        var reference = benchmark.Reference;
        if (run.Termination != RunTermination.Exited || run.ExitCode != reference.ExitCode)
            throw new ObservationUnavailableException(
                $"{benchmark.Uri}: the program built from this state {run.Describe()}, while the unoptimized one {reference.Describe()}");
        return run;
    }

    private static long Microseconds(TimeSpan time) => (long)Math.Round(time.TotalMicroseconds);
}
