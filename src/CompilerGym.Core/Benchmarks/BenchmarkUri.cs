namespace CompilerGym.Core.Benchmarks;

/// <summary>
/// A benchmark's name: <c>benchmark://DATASET/NAME</c> for datasets, <c>generator://GEN/SEED</c>
/// for generated programs, or <c>file:///PATH</c> for a user's file. A bare dataset name such as
/// <c>builtin-v0/crc32</c> means <c>benchmark://builtin-v0/crc32</c>; a bare path means a file.
/// </summary>
public sealed record BenchmarkUri(string Scheme, string Dataset, string Name)
{
    public override string ToString() => Scheme == "file" ? $"file://{Name}" : $"{Scheme}://{Dataset}/{Name}";

    public static BenchmarkUri Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        text = text.Trim();
        int sep = text.IndexOf("://", StringComparison.Ordinal);
        if (sep < 0)
        {
            if (text.StartsWith('/') || text.StartsWith('.') || File.Exists(text))
                return new("file", "", Path.GetFullPath(text));
            return Parse("benchmark://" + text);
        }
        string scheme = text[..sep], rest = text[(sep + 3)..];
        switch (scheme)
        {
            case "file":
                if (!rest.StartsWith('/')) throw new FormatException($"'{text}': a file URI needs an absolute path, file:///path");
                return new("file", "", rest);
            case "benchmark" or "generator":
                int slash = rest.IndexOf('/');
                if (slash <= 0 || slash == rest.Length - 1)
                    throw new FormatException($"'{text}': expected {scheme}://DATASET/NAME");
                return new(scheme, rest[..slash], rest[(slash + 1)..]);
            default:
                throw new FormatException($"'{text}': unknown scheme '{scheme}' (use benchmark://, generator:// or file://)");
        }
    }
}

/// <summary>The benchmark is not in any dataset, or the file does not exist.</summary>
public sealed class UnknownBenchmarkException(string message) : ArgumentException(message);
