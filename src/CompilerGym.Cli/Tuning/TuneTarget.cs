using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CompilerGym.Client;
using CompilerGym.Core.Benchmarks;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Mlir.Benchmarks;
using CompilerGym.Mlir.Core;

namespace CompilerGym.Cli.Tuning;

/// <summary>
/// A program to tune: its name in the results store (its benchmark URI) and in reports, a hash of
/// its unoptimized bitcode (a changed file is a new program to tune), the benchmark the env is reset
/// to, and the stem of its output files.
/// </summary>
internal sealed partial record TuneTarget(string Program, string Name, string InputHash, string EnvBenchmark, string FileStem)
{
    /// <summary>
    /// Resolves a command-line input (a URI, a C file, a folder, a compile_commands.json) with the
    /// local benchmark store. A user's file is uploaded to a remote env: a server opens no file a client names.
    /// </summary>
    public static TuneTarget Resolve(string input, ICompilerEnv env)
    {
        if (MlirBenchmark.IsMlir(input)) return ResolveKernel(input, env);
        var benchmark = BenchmarkStore.Default.Get(input);
        var uri = BenchmarkUri.Parse(benchmark.Uri);
        bool isFile = uri.Scheme == "file";
        string name = isFile ? FileName(uri.Name) : uri.Name;
        string inputHash = Convert.ToHexStringLower(SHA256.HashData(benchmark.Bitcode));
        // Files of the same name in different folders must not overwrite each other's output.
        string stem = isFile ? $"{name}-{Hash(benchmark.Uri)[..8]}" : $"{uri.Dataset}-{name}";
        // A name on a server always means the same program, so an upload is named by its content.
        string envBenchmark = isFile && env is RemoteEnv remote ? remote.AddBenchmark(Safe($"{name}-{inputHash[..16]}"), benchmark.Bitcode) : benchmark.Uri;
        return new(benchmark.Uri, name, inputHash, envBenchmark, Safe(stem));
    }

    /// <summary>An mlir-v0 kernel: named by its URI (a kernel with its shape) or file, hashed by its MLIR text.</summary>
    private static TuneTarget ResolveKernel(string input, ICompilerEnv env)
    {
        var kernel = MlirBenchmark.Get(input);
        // Parsed now, so that a malformed kernel fails before any tuning, as a C file that does not compile does.
        MlirModule.Parse(kernel.Text, kernel.Uri).Dispose();
        var uri = BenchmarkUri.Parse(kernel.Uri);
        bool isFile = uri.Scheme == "file";
        if (isFile && env is RemoteEnv)
            throw new ArgumentException($"'{input}': a server opens no file a client names, and .mlir files are not uploaded; tune it in process");
        string name = isFile ? Path.GetFileNameWithoutExtension(uri.Name) : uri.Name;
        string stem = isFile ? $"{name}-{Hash(kernel.Uri)[..8]}" : $"{uri.Dataset}-{name}";
        return new(kernel.Uri, name, Hash(kernel.Text), kernel.Uri, Safe(stem));
    }

    // A compile_commands.json is named by its project's folder.
    private static string FileName(string path) => Path.GetFileName(path) == "compile_commands.json"
        ? Path.GetFileName(Path.GetDirectoryName(path)) ?? "project"
        : Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(path));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    // Only what a file name and an uploaded benchmark's name may contain.
    private static string Safe(string name) => Unsafe().Replace(name, "-");

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex Unsafe();
}
