using CompilerGym.Core.Spaces;

namespace CompilerGym.Core.Envs;

/// <summary>
/// Spaces to use from a reset on; a null field keeps the current choice. <paramref name="CustomActions"/>
/// defines the action space instead of naming one: each is an action in the environment's own terms
/// (for LLVM, a pipeline element such as <c>function(instcombine)</c>).
/// </summary>
public sealed record ResetOptions(string? ActionSpace = null, string? ObservationSpace = null, string? RewardSpace = null,
    IReadOnlyList<string>? CustomActions = null);

/// <summary>Extra observations and rewards to compute with one step, besides the chosen spaces.</summary>
public sealed record StepOptions(IReadOnlyList<string>? ObservationSpaces = null, IReadOnlyList<string>? RewardSpaces = null);

public sealed record ResetResult(Observation? Observation, ResetInfo Info);

public sealed record ResetInfo(string Benchmark, string ActionSpace, double Seconds);

/// <summary>
/// The outcome of a step. <see cref="StepInfo.IrChanged"/> is false only when no pass changed the
/// program, so observations of the previous state are still valid.
/// </summary>
public sealed record StepResult(Observation? Observation, double? Reward, bool Terminated, bool Truncated, StepInfo Info);

public sealed record StepInfo(
    bool IrChanged,
    IReadOnlyDictionary<string, Observation> Observations,
    IReadOnlyDictionary<string, double> Rewards,
    double Seconds);

public sealed record ValidationResult(EnvState State, bool Ok, IReadOnlyList<string> Errors, double? ReplayedReward, double Seconds)
{
    public override string ToString() => Ok
        ? $"valid: {State.Benchmark}, {State.Actions.Count} actions, reward {ReplayedReward:G6}"
        : $"invalid: {State.Benchmark}: {string.Join("; ", Errors)}";
}
