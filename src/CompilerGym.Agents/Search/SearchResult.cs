namespace CompilerGym.Agents.Search;

/// <summary>One action of a found sequence and the cost after it.</summary>
public sealed record SearchStep(int Action, string ActionName, double Cost);

/// <summary>
/// What a search found: the cost at the start, the best action sequence and its cost, how many
/// steps were tried and how long it took.
/// </summary>
public sealed record SearchResult(double InitialCost, double BestCost, IReadOnlyList<SearchStep> Steps, int Evaluations, TimeSpan Elapsed)
{
    public IReadOnlyList<string> ActionNames => [.. Steps.Select(s => s.ActionName)];
}
