using System.Text.Json;

namespace CompilerGym.Core.Environments;

/// <summary>
/// Fixed action sequences for tuning in one shot: each is applied whole to a program (side by side
/// where there are cores for them) and the cheapest result is kept, with no search. Learned on
/// training programs (<c>cgym portfolio</c>): the first sequence is the best one alone, each next
/// one the best beside those before it. <see cref="TrainingRatio"/> is the geometric mean, over
/// <see cref="TrainedOn"/>, of the portfolio's cost over the cost after the first sequence's first
/// action alone (the environment's standard pipeline, where it starts with one).
/// </summary>
public sealed record Portfolio(string ActionSpace, string Cost, IReadOnlyList<IReadOnlyList<string>> Sequences,
    IReadOnlyList<string> TrainedOn, double TrainingRatio)
{
    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    /// <summary>Reads a portfolio; an ArgumentException says what is wrong with a malformed one.</summary>
    public static Portfolio FromJson(string json, string origin)
    {
        Portfolio? portfolio;
        try
        {
            portfolio = JsonSerializer.Deserialize<Portfolio>(json, s_json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"{origin} is not a portfolio: {e.Message}");
        }
        if (portfolio is null || string.IsNullOrEmpty(portfolio.ActionSpace) || string.IsNullOrEmpty(portfolio.Cost)
            || portfolio.Sequences is not { Count: > 0 } || portfolio.Sequences.Any(s => s is not { Count: > 0 }))
            throw new ArgumentException($"{origin} is not a portfolio: it needs an action space, a cost and at least one non-empty sequence");
        return portfolio;
    }

    public static Portfolio Load(string path) => FromJson(File.ReadAllText(path), path);
}
