namespace CompilerGym.Agents.Tests;

/// <summary>Compares numbers up to an absolute difference, for sequences of floating-point results.</summary>
internal sealed class Tolerance(double epsilon) : IEqualityComparer<double>
{
    public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;
    public int GetHashCode(double obj) => 0;
}
