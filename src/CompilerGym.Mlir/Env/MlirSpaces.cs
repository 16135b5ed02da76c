using CompilerGym.Core.Spaces;
using CompilerGym.Mlir.Actions;
using CompilerGym.Mlir.Core;

namespace CompilerGym.Mlir.Env;

/// <summary>The observation and reward spaces of <c>mlir-v0</c>, by name.</summary>
public static class MlirSpaces
{
    public const string Mlir = "Mlir";
    public const string LoopFeatures = "LoopFeatures";
    public const string ActionMask = "ActionMask";
    public const string LlvmIr = "LlvmIr";
    public const string LlvmInstructionCount = "LlvmInstructionCount";
    public const string ObjectTextSizeBytes = "ObjectTextSizeBytes";
    public const string OutputChecksum = "OutputChecksum";
    public const string Runtime = "Runtime";
    public const string RuntimeUntransformed = "RuntimeUntransformed";
    public const string RuntimeDefault = "RuntimeDefault";

    public const string SpeedupUntransformed = "RuntimeSpeedupUntransformed";
    public const string SpeedupDefault = "RuntimeSpeedupDefault";
    public const string LogSpeedup = "RuntimeLogSpeedup";

    private static Space Scalar(string name, string description, bool deterministic = true, bool platformDependent = false) =>
        new(name, SpaceKind.Int64Scalar, [], 0, null, deterministic, platformDependent, description);

    public static IReadOnlyList<Space> Observations { get; } =
    [
        new(Mlir, SpaceKind.Text, [], null, null, true, false, "The kernel as MLIR text"),
        new(LoopFeatures, SpaceKind.Int64Vector, [Core.LoopFeatures.Names.Count], -1, null, true, false,
            "Loop-nest features: module totals, transformations applied so far, the root linalg operation and the next ones (loop ranges, iterator kinds, access patterns)",
            Core.LoopFeatures.Names),
        new(ActionMask, SpaceKind.Int64Vector, [MlirActionSpace.Instance.Actions.Count], 0, 1, true, false,
            "1 for each action of the episode's action space (as many as it has) that may apply in this state, 0 for those whose requirements rule them out (too few loops, no loop around the root, too large to vectorize); one marked 1 can still be refused by MLIR",
            [.. MlirActionSpace.Instance.Actions.Select(a => a.Name)]),
        new(LlvmIr, SpaceKind.Text, [], null, null, true, false, "LLVM IR after the fixed lowering (mlir-translate-22 --mlir-to-llvmir)"),
        Scalar(LlvmInstructionCount, "LLVM IR instructions after the fixed lowering"),
        Scalar(ObjectTextSizeBytes, ".text bytes of the x86-64 object code after LLVM's default<O3>", platformDependent: true),
        new(OutputChecksum, SpaceKind.Text, [], null, null, true, false, "Checksums of the kernel's output on deterministic inputs (sum, position-weighted sum); equal for every correct schedule"),
        Scalar(Runtime, "Median wall-clock nanoseconds per kernel call, built with clang -O3 -march=native; the output is checked against the untransformed kernel's; measured once per kernel text by an env and its forks", false, true),
        Scalar(RuntimeUntransformed, "Runtime of the benchmark with no transformation at all: no actions, clang -O0", false, true),
        Scalar(RuntimeDefault, "Runtime of the benchmark by the default lowering: no actions, clang -O3", false, true),
    ];

    public static IReadOnlyList<Space> Rewards { get; } =
    [
        new(SpeedupUntransformed, SpaceKind.Float64Scalar, [], null, null, false, true,
            "Change in speed-up over the untransformed kernel, T(untransformed)/T(now) - T(untransformed)/T(previous): an episode sums to its final speed-up minus its first"),
        new(SpeedupDefault, SpaceKind.Float64Scalar, [], null, null, false, true,
            "Change in speed-up over the default lowering, T(default)/T(now) - T(default)/T(previous)"),
        new(LogSpeedup, SpaceKind.Float64Scalar, [], null, null, false, true,
            "log(T(previous)/T(now)): an episode sums to the log of its final speed-up over the default lowering, so kernels whose best speed-ups differ by orders of magnitude weigh alike (for learning)"),
    ];

    public static Space Observation(string name) => Observations.FirstOrDefault(s => s.Name == name)
        ?? throw new UnknownNameException($"unknown observation space '{name}' (known: {string.Join(", ", Observations.Select(s => s.Name))})");

    public static Space Reward(string name) => Rewards.FirstOrDefault(s => s.Name == name)
        ?? throw new UnknownNameException($"unknown reward space '{name}' (known: {string.Join(", ", Rewards.Select(s => s.Name))})");

    /// <summary>The baseline runtime observation a speed-up reward divides (the log speed-up's is the default lowering's).</summary>
    public static string BaselineOf(string reward) => reward == SpeedupUntransformed ? RuntimeUntransformed : RuntimeDefault;
}
