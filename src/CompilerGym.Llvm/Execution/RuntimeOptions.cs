namespace CompilerGym.Llvm.Execution;

/// <summary>
/// How the Runtime and Cycles observations measure a program: <see cref="WarmupRuns"/> runs whose
/// results are discarded (they warm the page cache and the CPU caches), then <see cref="Runs"/>
/// measured runs. Wall times on shared machines vary by 20% or more: use several runs and compare medians.
/// </summary>
public sealed record RuntimeOptions
{
    public RuntimeOptions(int warmupRuns = 1, int runs = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupRuns);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        WarmupRuns = warmupRuns;
        Runs = runs;
    }

    public static RuntimeOptions Default { get; } = new();

    public int WarmupRuns { get; }
    public int Runs { get; }
}
