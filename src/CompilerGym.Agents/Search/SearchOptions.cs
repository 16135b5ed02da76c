namespace CompilerGym.Agents.Search;

/// <summary>
/// What every search takes. It stops at whichever budget runs out first (steps or time); with a
/// step budget alone a search is deterministic for its seed.
/// </summary>
public sealed record SearchOptions
{
    /// <summary>The scalar observation to lower.</summary>
    public string CostObservation { get; init; } = "IrInstructionCount";

    /// <summary>Most steps to try, a step being one action applied to a candidate state and its cost observed; null for no limit.</summary>
    public int? MaxEvaluations { get; init; }

    /// <summary>Most wall-clock time to search; null for no limit.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>Seeds random search's draws (greedy and beam search draw nothing).</summary>
    public int Seed { get; init; }

    /// <summary>Longest action sequence (and random episode) to consider.</summary>
    public int MaxEpisodeLength { get; init; } = 40;

    /// <summary>With a policy, how many of its most probable actions greedy and beam search try in each state.</summary>
    public int PolicyTopK { get; init; } = 10;
}

/// <summary>How far a search has got, reported after each step tried.</summary>
public sealed record SearchProgress(int Evaluations, TimeSpan Elapsed, double BestCost);
