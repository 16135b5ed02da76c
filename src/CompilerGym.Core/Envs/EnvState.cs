using System.Text.Json;
using System.Text.Json.Serialization;

namespace CompilerGym.Core.Envs;

/// <summary>
/// An episode as a small record: the benchmark, the actions by name (names are stable across
/// releases; ids are not meant to be stored), and the cumulative reward and time they gave. An
/// action space defined by its user travels with the state as <paramref name="CustomActions"/>.
/// </summary>
public sealed record EnvState(
    string Benchmark,
    string ActionSpace,
    IReadOnlyList<string> Actions,
    string? RewardSpace,
    double? Reward,
    double Walltime,
    IReadOnlyList<string>? CustomActions = null)
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    public static EnvState FromJson(string json)
    {
        try
        {
            var state = JsonSerializer.Deserialize<EnvState>(json, s_json)
                ?? throw new FormatException("state JSON is null");
            if (string.IsNullOrEmpty(state.Benchmark) || state.Actions is null || string.IsNullOrEmpty(state.ActionSpace))
                throw new FormatException("state JSON lacks benchmark, action_space or actions");
            return state;
        }
        catch (JsonException e)
        {
            throw new FormatException($"malformed state JSON: {e.Message}", e);
        }
    }

    public bool Equals(EnvState? other) => other is not null && Benchmark == other.Benchmark &&
        ActionSpace == other.ActionSpace && Actions.SequenceEqual(other.Actions) && RewardSpace == other.RewardSpace &&
        Nullable.Equals(Reward, other.Reward) && Walltime.Equals(other.Walltime) &&
        (CustomActions ?? []).SequenceEqual(other.CustomActions ?? []);

    public override int GetHashCode() => HashCode.Combine(Benchmark, Actions.Count, Reward);
}
