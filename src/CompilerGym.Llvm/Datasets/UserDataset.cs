using CompilerGym.Core.Benchmarks;

namespace CompilerGym.Llvm.Datasets;

/// <summary>
/// <c>benchmark://user-v0/NAME</c>: programs uploaded to a server, one file per benchmark
/// (<c>NAME.bc</c>, <c>NAME.ll</c> or <c>NAME.c</c>) in a folder the server owns. A name, once
/// taken, always means the same program.
/// </summary>
public sealed class UserDataset(string directory) : IDataset
{
    public const string DatasetName = "user-v0";
    public static readonly string[] Extensions = [".bc", ".ll", ".c"];

    public string Name => DatasetName;
    public string Description => "Programs uploaded by users of this server";
    public string Directory { get; } = directory;

    public IReadOnlyList<BenchmarkInfo> Benchmarks =>
        !System.IO.Directory.Exists(Directory) ? [] :
        [.. System.IO.Directory.EnumerateFiles(Directory)
            .Where(f => Extensions.Contains(Path.GetExtension(f)))
            .Order(StringComparer.Ordinal)
            .Select(Describe)];

    /// <summary>The benchmark an uploaded file (NAME.EXT) is.</summary>
    public static BenchmarkInfo Describe(string file) =>
        new($"benchmark://{DatasetName}/{Path.GetFileNameWithoutExtension(file)}", $"uploaded {Path.GetExtension(file)} file");

    /// <summary>Letters, digits, '-', '_' and '.', not leading: safe as a file name and in a URI.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 128 && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>The file holding a benchmark, or null.</summary>
    public string? FileOf(string name) => !IsValidName(name) ? null :
        Extensions.Select(e => Path.Combine(Directory, name + e)).FirstOrDefault(File.Exists);

    public LlvmBenchmark Load(string name, string? target = null)
    {
        string path = FileOf(name) ?? throw new UnknownBenchmarkException($"no uploaded benchmark '{name}' in {DatasetName}");
        return BenchmarkStore.LoadProgramFile($"benchmark://{DatasetName}/{name}", path, target: target);
    }
}
