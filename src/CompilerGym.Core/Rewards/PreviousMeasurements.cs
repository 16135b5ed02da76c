namespace CompilerGym.Core.Rewards;

/// <summary>
/// What each reward of an episode measured when it was last computed. Rewards are changes since
/// the previous step (a cost saved, a speed-up gained), so each needs its previous measurement;
/// before its first step, that is the measurement at the start of the episode.
/// </summary>
public sealed class PreviousMeasurements
{
    private readonly Dictionary<string, double> _values = [];

    /// <summary>Records <paramref name="now"/> for <paramref name="reward"/> and returns the measurement it replaces (<paramref name="start"/> the first time).</summary>
    public double Replace(string reward, double now, double start)
    {
        double previous = _values.GetValueOrDefault(reward, start);
        _values[reward] = now;
        return previous;
    }

    /// <summary>Forgets every measurement, for a new episode.</summary>
    public void Clear() => _values.Clear();

    /// <summary>An independent copy, for a fork of the episode.</summary>
    public PreviousMeasurements Copy()
    {
        var copy = new PreviousMeasurements();
        foreach (var (reward, value) in _values) copy._values[reward] = value;
        return copy;
    }
}
