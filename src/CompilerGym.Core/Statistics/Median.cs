namespace CompilerGym.Core.Statistics;

public static class Median
{
    /// <summary>The median of a set of measurements (the mean of the middle two for an even count).</summary>
    public static long Of(IReadOnlyList<long> values)
    {
        if (values.Count == 0) throw new ArgumentException("the median of no values");
        var sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
