using CompilerGym.Llvm.Core;
using System.Collections.Concurrent;
using CompilerGym.Core.Benchmarks;
using CompilerGym.Core.Caching;
using CompilerGym.Llvm.Execution;

namespace CompilerGym.Llvm.Datasets.Debian;

/// <summary>
/// debian-v0: real programs built from Debian bookworm source packages into whole-program modules
/// (see <see cref="DebianPrograms"/>). Listing needs nothing; loading a program downloads and builds
/// its package the first time (seconds to minutes) and caches the sources and the modules of all
/// the package's programs, so later loads work offline. Progress goes to <paramref name="log"/>
/// (standard error by default).
/// </summary>
public sealed class DebianDataset(IReadOnlyList<DebianProgram>? programs = null, Action<string>? log = null) : IDataset
{
    public const string DatasetName = "debian-v0";

    // One build at a time per package in this process; other processes are kept consistent by the cache's atomic writes.
    private static readonly ConcurrentDictionary<string, object> s_packageLocks = new();

    private readonly IReadOnlyList<DebianProgram> _programs = programs ?? DebianPrograms.All;
    private readonly Action<string> _log = log ?? (message => Console.Error.WriteLine($"{DatasetName}: {message}"));

    public string Name => DatasetName;
    public string Description => "Real programs built from Debian bookworm source packages (compressors, codecs, interpreters, a database shell, checksums), with their libraries linked in; built on first use";
    public IReadOnlyList<BenchmarkInfo> Benchmarks => [.. _programs.Select(p => new BenchmarkInfo(p.Uri, p.Description))];

    public LlvmBenchmark Load(string name, string? target = null)
    {
        var program = Find(name);
        // Refused before a build that can take minutes, as LlvmBenchmark would refuse it after.
        if (target is not null)
            throw new ArgumentException($"{program.Uri} is built for {TargetMachine.DefaultTriple} only (with the package's own build and LTO), not {target}");
        return new LlvmBenchmark(program.Uri, ModulePath(program), program.Description, RunSpecOf(program), secondRunSpec: SecondRunSpecOf(program));
    }

    /// <summary>How the program runs, its generated inputs written once into the cache.</summary>
    public static RunSpec RunSpecOf(DebianProgram program) => RunSpecOn(program, program.InputFiles, program.Name);

    /// <summary>The same command on the program's second input, cached in a folder of its own.</summary>
    public static RunSpec SecondRunSpecOf(DebianProgram program) => RunSpecOn(program, program.SecondInput.Files, Path.Combine(program.Name, "second"));

    private static RunSpec RunSpecOn(DebianProgram program, IReadOnlyList<InputFile> files, string inputFolder) => new()
    {
        Arguments = program.Arguments,
        Inputs = [.. files.Select(input => new RunInput(input.Name, Cache.GetOrCreate(
            Path.Combine("benchmarks", DatasetName, "inputs", inputFolder, input.Name),
            output => File.WriteAllBytes(output, input.Contents()))))],
        Stdin = program.Stdin,
        OutputFiles = program.OutputFiles,
        LinkFlags = [.. program.LinkFlags.Union(["-lm"])],
        // Real programs on real inputs: more room than the default's 10 s of CPU.
        Limits = RunLimits.Default with { CpuTime = TimeSpan.FromSeconds(60), WallTime = TimeSpan.FromSeconds(120) },
    };

    public DebianProgram Find(string name) =>
        _programs.FirstOrDefault(p => p.Name == name)
        ?? throw new UnknownBenchmarkException($"no benchmark '{name}' in dataset {DatasetName} (known: {string.Join(", ", _programs.Select(p => p.Name))})");

    /// <summary>The program's module in the cache, building its package first if needed.</summary>
    public string ModulePath(DebianProgram program)
    {
        string path = Path.Combine(Cache.Root, CacheEntry(program));
        if (File.Exists(path)) return path; // without waiting for a build of the package in progress
        lock (s_packageLocks.GetOrAdd(program.Package.Name, _ => new object()))
            return Cache.GetOrCreate(CacheEntry(program), output =>
            {
                // One build makes every program of the package: keep them all.
                var packagePrograms = _programs.Where(p => p.Package == program.Package).ToList();
                string work = Directory.CreateTempSubdirectory("cgym-debian-").FullName;
                try
                {
                    var modules = DebianBuild.Build(program.Package, packagePrograms, work, LogFile(program.Package), _log);
                    foreach (var sibling in packagePrograms.Where(p => p != program))
                        Cache.GetOrCreate(CacheEntry(sibling), copy => File.Copy(modules[sibling.Name], copy, overwrite: true));
                    File.Copy(modules[program.Name], output, overwrite: true);
                }
                finally { Directory.Delete(work, recursive: true); }
            });
    }

    // A module is named by everything that decides its code: the package version, its build script and the flags.
    private static string CacheEntry(DebianProgram program) => Path.Combine("benchmarks", DatasetName,
        $"{program.Name}-{Cache.Hash(program.Package.Name, program.Package.Version, program.Package.BuildScript, program.BuiltFile, DebianBuild.CFlags, DebianBuild.LdFlags)}.bc");

    // Kept after the build, so that a failure can be read in full.
    private static string LogFile(DebianPackage package) =>
        Path.Combine(Directory.CreateDirectory(Path.Combine(Cache.Writable, "debian", "logs")).FullName, $"{package.Name}_{package.FileVersion}.log");
}
