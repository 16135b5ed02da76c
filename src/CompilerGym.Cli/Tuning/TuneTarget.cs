using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CompilerGym.Client;
using CompilerGym.Core.Benchmarks;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;

namespace CompilerGym.Cli.Tuning;

/// <summary>
/// A program to tune: its name in the results store (its benchmark URI) and in reports, a hash of
/// its input (a changed file is a new program to tune), the benchmark the env is reset to, the
/// stem of its output files, and the target it is compiled for (null where the environment has none).
/// </summary>
internal sealed partial record TuneTarget(string Program, string Name, string InputHash, string EnvBenchmark, string FileStem, string? Target)
{
    /// <summary>
    /// Resolves a command-line input (a URI or a file) with its environment. A user's file is
    /// uploaded to a remote env, where the environment uploads programs: a server opens no file a client names.
    /// </summary>
    public static TuneTarget Resolve(string input, EnvSpec spec, ICompilerEnv env)
    {
        var program = spec.ResolveProgram(input);
        // Files of the same name in different folders must not overwrite each other's output.
        string stem = program.IsFile ? $"{program.Name}-{Hash(program.Uri)[..8]}" : $"{BenchmarkUri.Parse(program.Uri).Dataset}-{program.Name}";
        string envBenchmark = program.Uri;
        if (program.IsFile && env is RemoteEnv remote)
            // A name on a server always means the same program, so an upload is named by its content.
            envBenchmark = program.Upload is { } content ? remote.AddBenchmark(Safe($"{program.Name}-{program.InputHash[..16]}"), content)
                : throw new ArgumentException($"'{input}': a server opens no file a client names, and {spec.Id} does not upload its programs; tune it in process");
        return new(program.Uri, program.Name, program.InputHash, envBenchmark, Safe(stem), program.Target);
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    // Only what a file name and an uploaded benchmark's name may contain.
    private static string Safe(string name) => Unsafe().Replace(name, "-");

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex Unsafe();
}
