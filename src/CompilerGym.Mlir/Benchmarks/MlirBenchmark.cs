using CompilerGym.Core.Benchmarks;

namespace CompilerGym.Mlir.Benchmarks;

/// <summary>A kernel to optimize: its canonical URI, its MLIR text and how to call it.</summary>
public sealed record MlirBenchmark(string Uri, string Text, KernelSignature Signature)
{
    public const string Dataset = "mlir-linalg-v0";

    /// <summary>Whether a benchmark is one of mlir-v0's: a kernel of <see cref="Dataset"/> or a .mlir file.</summary>
    public static bool IsMlir(string benchmark) =>
        benchmark.StartsWith($"benchmark://{Dataset}/", StringComparison.Ordinal) ||
        benchmark.EndsWith(".mlir", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// <c>benchmark://mlir-linalg-v0/KERNEL?p=v&amp;...</c> (parameters left out take their defaults)
    /// or a user's <c>file:///path/kernel.mlir</c> (or the bare path).
    /// </summary>
    public static MlirBenchmark Get(string uri)
    {
        var parsed = BenchmarkUri.Parse(uri);
        return parsed switch
        {
            { Scheme: "benchmark", Dataset: Dataset } => FromKernel(parsed.Name),
            { Scheme: "file" } => FromFile(parsed.Name),
            _ => throw new UnknownBenchmarkException($"'{uri}' is not an MLIR benchmark (use benchmark://{Dataset}/KERNEL?... or a .mlir file)"),
        };
    }

    private static MlirBenchmark FromKernel(string name)
    {
        int question = name.IndexOf('?');
        var family = Kernels.Get(question < 0 ? name : name[..question]);
        var given = new Dictionary<string, long>();
        foreach (string pair in question < 0 ? [] : name[(question + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || !long.TryParse(parts[1], out long value) || value < 1 || value > 1 << 16)
                throw new UnknownBenchmarkException($"'{pair}' in '{name}': expected NAME=SIZE with SIZE from 1 to 65536");
            if (!family.Parameters.Any(p => p.Name == parts[0]))
                throw new UnknownBenchmarkException($"'{family.Name}' has no parameter '{parts[0]}' (its parameters: {string.Join(", ", family.Parameters.Select(p => p.Name))})");
            given[parts[0]] = value;
        }
        var values = family.Parameters.ToDictionary(p => p.Name, p => given.GetValueOrDefault(p.Name, p.Default));
        string uri = $"benchmark://{Dataset}/{family.Name}?{string.Join("&", family.Parameters.Select(p => $"{p.Name}={values[p.Name]}"))}";
        string text = family.Generate(values);
        return new MlirBenchmark(uri, text, KernelSignature.Read(text, uri));
    }

    private static MlirBenchmark FromFile(string path)
    {
        if (!File.Exists(path)) throw new UnknownBenchmarkException($"no such file: {path}");
        string text = File.ReadAllText(path);
        return new MlirBenchmark($"file://{path}", text, KernelSignature.Read(text, path));
    }
}
