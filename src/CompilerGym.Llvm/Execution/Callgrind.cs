using System.Globalization;

namespace CompilerGym.Llvm.Execution;

/// <summary>
/// Counts from one run under valgrind's callgrind with its cache simulator, from entering
/// <c>main</c> to leaving it (the dynamic loader and libc start-up are left out): instructions
/// executed, first-level cache misses (instruction reads, data reads and writes), last-level misses.
/// </summary>
public sealed record CallgrindCounts(long Instructions, long L1Misses, long LastLevelMisses)
{
    /// <summary>
    /// KCachegrind's cycle estimate without branch simulation: instructions + 10 × L1 misses +
    /// 100 × last-level misses. A model, not a measurement, but the same number on every run.
    /// </summary>
    public long CyclesEstimate => Instructions + 10 * L1Misses + 100 * LastLevelMisses;
}

/// <summary>
/// Runs a program under <c>valgrind --tool=callgrind --cache-sim=yes</c>. The counts are
/// deterministic: the simulated caches have a fixed geometry (not the host's: 32 KiB 8-way L1
/// instruction and data caches, an 8 MiB 16-way last level, 64-byte lines), and the runner gives
/// every run the same environment, so machine load and noise do not enter.
/// </summary>
public static class Callgrind
{
    /// <summary>How much longer a program may take under callgrind than its limits allow natively.</summary>
    public const int Slowdown = 100;

    private const long ValgrindMemoryBytes = 1L << 30;

    public static (RunResult Run, CallgrindCounts Counts) Run(Executable executable)
    {
        string output = Path.Combine(executable.BuildDirectory, $"callgrind.{Guid.NewGuid():N}.out");
        string log = Path.ChangeExtension(output, ".log");
        var limits = executable.Spec.Limits;
        var run = executable.Run(
            ["/usr/bin/valgrind", "--tool=callgrind", "--cache-sim=yes", "--I1=32768,8,64", "--D1=32768,8,64", "--LL=8388608,16,64",
                "--toggle-collect=main", $"--callgrind-out-file={output}", $"--log-file={log}", "--"],
            new RunLimits(limits.CpuTime * Slowdown, limits.WallTime * Slowdown, limits.MemoryBytes + ValgrindMemoryBytes, limits.FileBytes));
        try
        {
            if (!File.Exists(output))
                throw new InvalidOperationException($"callgrind wrote no counts: the program {run.Describe()}; valgrind said: {ReadTail(log)}");
            return (run, Parse(File.ReadLines(output)));
        }
        finally
        {
            File.Delete(output);
            File.Delete(log);
        }
    }

    /// <summary>The totals of a callgrind output file (its <c>events:</c> and <c>totals:</c> or <c>summary:</c> lines).</summary>
    public static CallgrindCounts Parse(IEnumerable<string> lines)
    {
        string[]? events = null;
        long[]? totals = null;
        foreach (string line in lines)
        {
            if (line.StartsWith("events:", StringComparison.Ordinal)) events = Fields(line);
            else if (line.StartsWith("totals:", StringComparison.Ordinal) || (totals is null && line.StartsWith("summary:", StringComparison.Ordinal)))
                totals = [.. Fields(line).Select(f => long.Parse(f, CultureInfo.InvariantCulture))];
        }
        if (events is null || totals is null) throw new InvalidDataException("callgrind output without events and totals");
        long Sum(params string[] names) => names.Sum(n => Array.IndexOf(events, n) is >= 0 and var i && i < totals.Length ? totals[i]
            : throw new InvalidDataException($"callgrind output without the {n} event (was --cache-sim=yes given?)"));
        return new(Sum("Ir"), Sum("I1mr", "D1mr", "D1mw"), Sum("ILmr", "DLmr", "DLmw"));
    }

    private static string[] Fields(string line) => line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string ReadTail(string path) =>
        File.Exists(path) ? string.Join(" ", File.ReadLines(path).TakeLast(5)).Trim() : "(no log)";
}
