using System.Text;

namespace CompilerGym.Llvm.Execution;

/// <summary>How a run ended.</summary>
public enum RunTermination
{
    /// <summary>The program exited by itself (with any exit code).</summary>
    Exited,
    /// <summary>A signal ended it (a crash, an abort).</summary>
    Signaled,
    /// <summary>It used up its CPU time (SIGXCPU).</summary>
    CpuTimeLimit,
    /// <summary>It wrote more than its file size limit (SIGXFSZ).</summary>
    FileSizeLimit,
    /// <summary>It overran its wall time and the runner killed its process group.</summary>
    WallTimeLimit,
}

/// <summary>
/// One run of a program: how it ended, its exit code (128 + the signal number when a signal
/// ended it), stdout, stderr, the output files its run spec names (null when not written), the
/// wall time from release to exit, and the performance counter's value if one was asked for.
/// </summary>
public sealed record RunResult(
    RunTermination Termination,
    int ExitCode,
    byte[] Stdout,
    string Stderr,
    IReadOnlyDictionary<string, byte[]?> OutputFiles,
    TimeSpan WallTime,
    long? CounterValue = null)
{
    private const int SignalBase = 128;
    private const int SigXcpu = 24, SigXfsz = 25;

    /// <summary>The termination an exit status stands for, unless the runner itself ended the run.</summary>
    public static RunTermination FromExitCode(int exitCode) => exitCode switch
    {
        SignalBase + SigXcpu => RunTermination.CpuTimeLimit,
        SignalBase + SigXfsz => RunTermination.FileSizeLimit,
        > SignalBase and < SignalBase + 65 => RunTermination.Signaled,
        _ => RunTermination.Exited,
    };

    /// <summary>The run's ending in words, for error messages.</summary>
    public string Describe() => Termination switch
    {
        RunTermination.Exited => $"exited with code {ExitCode}",
        RunTermination.Signaled => $"was killed by signal {ExitCode - SignalBase}",
        RunTermination.CpuTimeLimit => "exceeded its CPU time limit",
        RunTermination.FileSizeLimit => "exceeded its file size limit",
        RunTermination.WallTimeLimit => "exceeded its wall time limit and was killed",
        _ => Termination.ToString(),
    } + (Stderr.Length > 0 ? $" (stderr: {Abbreviate(Encoding.UTF8.GetBytes(Stderr.Trim()), 0)})" : "");

    /// <summary>What differs in this run's results from the <paramref name="reference"/> run's (exit, stdout, output files), or null if nothing.</summary>
    public string? DifferenceFrom(RunResult reference)
    {
        var differences = new List<string>();
        if (Termination != reference.Termination || ExitCode != reference.ExitCode)
            differences.Add($"it {Describe()}, the reference {reference.Describe()}");
        if (Difference("stdout", Stdout, reference.Stdout) is { } stdout) differences.Add(stdout);
        foreach (var (name, expected) in reference.OutputFiles)
        {
            byte[]? actual = OutputFiles.GetValueOrDefault(name);
            if (expected is null || actual is null)
            {
                if (expected is not null || actual is not null)
                    differences.Add($"output file {name} is {(actual is null ? "missing" : "written")}, in the reference {(expected is null ? "missing" : "written")}");
            }
            else if (Difference($"output file {name}", actual, expected) is { } file) differences.Add(file);
        }
        return differences.Count == 0 ? null : string.Join("; ", differences);
    }

    private static string? Difference(string what, byte[] actual, byte[] expected)
    {
        int common = actual.AsSpan().CommonPrefixLength(expected);
        if (common == actual.Length && common == expected.Length) return null;
        return $"{what} differs from byte {common} ({actual.Length} bytes, the reference {expected.Length}): "
            + $"{Abbreviate(actual, common)} instead of {Abbreviate(expected, common)}";
    }

    // A short, printable excerpt starting at a byte offset.
    private static string Abbreviate(byte[] data, int offset)
    {
        const int Length = 60;
        if (offset >= data.Length) return "<end>";
        string text = Encoding.UTF8.GetString(data, offset, Math.Min(Length, data.Length - offset));
        string printable = new([.. text.Select(c => char.IsControl(c) && c != '\n' ? '?' : c)]);
        return $"\"{printable.Replace("\n", "\\n")}{(data.Length - offset > Length ? "…" : "")}\"";
    }
}
