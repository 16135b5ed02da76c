namespace CompilerGym.Benchmarks.Measurements;

/// <summary>Summary statistics of timings, in microseconds.</summary>
internal sealed record Stats(int Count, double TotalMicroseconds, double Mean, double Median, double P90)
{
    public static Stats Of(IReadOnlyCollection<double> microseconds)
    {
        var sorted = microseconds.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        return new(sorted.Length, sorted.Sum(), sorted.Length == 0 ? 0 : sorted.Average(), At(0.5), At(0.9));
    }
}
