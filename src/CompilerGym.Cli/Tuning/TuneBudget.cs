using System.Diagnostics;

namespace CompilerGym.Cli.Tuning;

/// <summary>
/// The wall time of one program's tuning, all of it: the reset, the baselines, the floor, the
/// searches, validation and writing the files. The searches get what is left after
/// <see cref="Reserve"/>, the time the end is expected to take, as measured on the floor's own
/// result (see <see cref="ProgramTuner"/>).
/// </summary>
internal sealed class TuneBudget(TimeSpan? limit)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TimeSpan? Limit { get; } = limit;

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Time kept back for validating and writing the best result after the searches.</summary>
    public TimeSpan Reserve { get; set; }

    /// <summary>Whether work expected to take this long ends within the limit.</summary>
    public bool Affords(TimeSpan work) => Limit is not { } limit || Elapsed + work <= limit;

    /// <summary>An equal share of the time left for searching among the plans still to search; null without a limit.</summary>
    public TimeSpan? SearchShare(int plansLeft) => Limit is { } limit
        ? TimeSpan.FromTicks(Math.Max(0, (limit - Reserve - Elapsed).Ticks / plansLeft))
        : null;
}
