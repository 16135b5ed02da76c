using System.Diagnostics;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Llvm.Datasets.Debian;

/// <summary>
/// Builds a package's programs into whole-program LLVM modules. The package's own build runs with
/// clang-22 compiling every C file to bitcode with the project's unoptimized flags (as LTO
/// objects), and lld's --save-temps keeps, beside each linked executable, the module link-time
/// optimization starts from: the whole program before any optimization, everything but main
/// internal. Static libraries of bitcode objects take part like native ones, so the module holds
/// the package's library code too.
/// </summary>
public static class DebianBuild
{
    /// <summary>The module lld writes for an executable, after internalization and before optimization.</summary>
    private const string ModuleSuffix = ".0.2.internalize.bc";

    /// <summary>
    /// Compiler flags: the project's unoptimized flags, but as LTO objects (-flto instead of
    /// -emit-llvm, so builds can archive and link them), and with the errors clang-22 makes of old
    /// C's warnings turned back into warnings.
    /// </summary>
    public static string CFlags { get; } = string.Join(' ', [
        .. LlvmTools.UnoptimizedIrFlags.Where(f => f != "-emit-llvm"), "-flto",
        "-Wno-error=implicit-function-declaration", "-Wno-error=implicit-int", "-Wno-error=int-conversion",
        "-Wno-error=incompatible-pointer-types"]);

    /// <summary>Linker flags: lld keeps the LTO module; the reference executable needs no optimizing.</summary>
    public const string LdFlags = "-flto -fuse-ld=lld -Wl,--save-temps -Wl,--lto-O0";

    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromHours(1);

    // Debian's patches leave some autotools inputs newer than the files generated from them, and make
    // would then regenerate those with tools the build does not need: one timestamp for every file
    // (2000-01-01) makes them all up to date.
    private const string Prologue = "set -euo pipefail\nfind . -exec touch -h -d @946684800 {} +\n";

    /// <summary>
    /// Fetches, unpacks and builds the package in <paramref name="workFolder"/>, writing the build's
    /// output to <paramref name="logFile"/>, and returns each program's module (a path inside the
    /// work folder), checked to define main and the program's library function.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Build(DebianPackage package, IReadOnlyList<DebianProgram> programs,
        string workFolder, string logFile, Action<string> log)
    {
        string sources = DebianSource.Fetch(package, log);
        string tree = Path.Combine(workFolder, $"{package.Name}-{package.FileVersion}");
        DebianSource.Unpack(package, sources, tree);

        string what = $"{string.Join(", ", programs.Select(p => p.Name))} from {package.Name} {package.Version}";
        log($"building {what} (log: {logFile})");
        var clock = Stopwatch.StartNew();
        ProcessResult result;
        try
        {
            result = ProcessRunner.Run("bash", ["-c", $"exec >{LlvmTools.ShellQuote(logFile)} 2>&1\n{Prologue}{package.BuildScript}"],
                s_buildTimeout, tree, BuildEnvironment(tree));
        }
        catch (TimeoutException) { throw new BuildFailedException(what, logFile, $"still running after {s_buildTimeout.TotalMinutes:0} minutes"); }
        if (result.ExitCode != 0) throw new BuildFailedException(what, logFile, $"exit {result.ExitCode}");
        log($"built {package.Name} in {clock.Elapsed.TotalSeconds:0} s");
        return programs.ToDictionary(p => p.Name, p => CheckedModule(p, tree, what, logFile));
    }

    private static Dictionary<string, string> BuildEnvironment(string tree) => new()
    {
        ["CC"] = LlvmTools.Clang,
        ["CXX"] = "clang++-22",
        // Paths in the code (__FILE__ in assertions) name the source tree, not the temporary folder.
        ["CFLAGS"] = $"{CFlags} -ffile-prefix-map={tree}=.",
        ["LDFLAGS"] = LdFlags,
        ["AR"] = "llvm-ar-22",
        ["RANLIB"] = "llvm-ranlib-22",
        ["JOBS"] = Environment.ProcessorCount.ToString(),
        ["LC_ALL"] = "C",
    };

    private static string CheckedModule(DebianProgram program, string tree, string what, string logFile)
    {
        var found = Directory.GetFiles(tree, program.BuiltFile + ModuleSuffix, SearchOption.AllDirectories);
        if (found.Length != 1)
            throw new BuildFailedException(what, logFile,
                found.Length == 0 ? $"it made no module for {program.BuiltFile}" : $"it made {found.Length} modules named {program.BuiltFile}");
        using var module = LlvmModule.ParseBitcode(File.ReadAllBytes(found[0]), found[0]);
        foreach (var function in new[] { "main", program.LibraryFunction })
            if (!module.DefinesFunction(function))
                throw new BuildFailedException(what, logFile,
                    $"the module of {program.Name} does not define {function}: the program was not linked as one whole (a shared library?)");
        return found[0];
    }
}

/// <summary>A package's build failed: says what was being built and why, and ends with the end of the build log.</summary>
public sealed class BuildFailedException(string what, string logFile, string reason)
    : InvalidOperationException($"building {what} failed ({reason}); the end of its log ({logFile}):\n" +
        DebianSource.Tail(File.Exists(logFile) ? File.ReadAllText(logFile) : "", 30));
