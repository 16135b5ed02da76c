using CompilerGym.Core.Spaces;

namespace CompilerGym.Core.Rewards;

/// <summary>How a cost reward is scaled.</summary>
public enum RewardScale
{
    /// <summary>R = C(previous) − C(now).</summary>
    None,
    /// <summary>R = (C(previous) − C(now)) / C(initial).</summary>
    Initial,
    /// <summary>R = (C(previous) − C(now)) / (C(initial) − C(baseline)): 1 in total means as good as the baseline.</summary>
    Baseline,
}

/// <summary>
/// A reward defined as CompilerGym defines its cost rewards: the cost saved since the previous
/// reward, optionally scaled. Summed over an episode it is the scaled cost saved in total. It is
/// deterministic when its cost is (a measured run time is not).
/// </summary>
public sealed record CostReward(string Name, string CostSpace, RewardScale Scale, string? BaselineSpace, string Description, bool PlatformDependent,
    bool Deterministic = true)
{
    public Space Space => new(Name, SpaceKind.Float64Scalar, [], null, null, Deterministic, PlatformDependent, Description);

    /// <summary>The divisor for a benchmark; never below 1 so that a baseline no better than the start cannot blow up or flip the reward.</summary>
    public double Divisor(double initial, double baseline) => Scale switch
    {
        RewardScale.None => 1,
        RewardScale.Initial => Math.Max(initial, 1),
        RewardScale.Baseline => Math.Max(initial - baseline, 1),
        _ => throw new InvalidOperationException(),
    };

    public double Reward(double previous, double now, double divisor) => (previous - now) / divisor;
}
