using CompilerGym.Core.Rewards;
using CompilerGym.Core.Spaces;
using CompilerGym.Core.Statistics;
using CompilerGym.Llvm.Execution;
using CompilerGym.Llvm.Observations;

namespace CompilerGym.Llvm.Rewards;

/// <summary>
/// The reward spaces, defined as CompilerGym defines them: cost saved since the previous reward,
/// raw, divided by the initial cost (Norm), or by the saving of -O3 or -Oz (reaching that
/// pipeline's cost sums to 1).
/// </summary>
public static class LlvmRewards
{
    /// <summary>
    /// A reward, the observation spaces of its cost at the start of the episode and of its
    /// baseline, and how a cost is read from its cost space's observation (Runtime's is the median
    /// of its runs).
    /// </summary>
    public sealed record Definition(CostReward Reward, string InitialCostSpace, Func<Observation, double> Cost);

    public static IReadOnlyList<Definition> All { get; } =
    [
        .. Family(LlvmObservations.IrInstructionCount, "IrInstructionCount", "IrInstructionCountO0", "LLVM IR instructions", false),
        .. Family(LlvmObservations.ObjectTextSizeBytes, "ObjectTextSize", "ObjectTextSizeO0", "bytes of object .text", true),
        .. Family(LlvmObservations.TextSizeBytes, "TextSize", "TextSizeO0", "bytes of executable .text", true),
        .. Family(LlvmObservations.Runtime, LlvmObservations.Runtime, "RuntimeO0", "median wall time (not deterministic)", true,
            deterministic: false, readCost: o => Median.Of(o.AsInt64Vector())),
        .. Family(LlvmObservations.CyclesEstimate, LlvmObservations.CyclesEstimate, "CyclesEstimateO0", "estimated cycles (callgrind)", true),
    ];

    private static readonly Dictionary<string, Definition> s_byName = All.ToDictionary(d => d.Reward.Name);

    public static Definition Get(string name) => s_byName.TryGetValue(name, out var d) ? d
        : throw new UnknownNameException($"unknown reward space '{name}' (known: {string.Join(", ", s_byName.Keys)})");

    private static IEnumerable<Definition> Family(string cost, string prefix, string initial, string what, bool platformDependent,
        bool deterministic = true, Func<Observation, double>? readCost = null)
    {
        var read = readCost ?? (o => o.AsDouble());
        return
        [
            new(new CostReward(cost, cost, RewardScale.None, null, $"Reduction in {what} since the previous step", platformDependent, deterministic), initial, read),
            new(new CostReward(prefix + "Norm", cost, RewardScale.Initial, null, $"Reduction in {what}, divided by the unoptimized count", platformDependent, deterministic), initial, read),
            new(new CostReward(prefix + "O3", cost, RewardScale.Baseline, prefix + "O3", $"Reduction in {what}, divided by the reduction -O3 achieves", platformDependent, deterministic), initial, read),
            new(new CostReward(prefix + "Oz", cost, RewardScale.Baseline, prefix + "Oz", $"Reduction in {what}, divided by the reduction -Oz achieves", platformDependent, deterministic), initial, read),
        ];
    }
}
