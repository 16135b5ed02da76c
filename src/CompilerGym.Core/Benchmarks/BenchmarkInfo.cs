namespace CompilerGym.Core.Benchmarks;

/// <summary>A benchmark as lists show it.</summary>
public sealed record BenchmarkInfo(string Uri, string Description);
