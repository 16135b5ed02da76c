using System.Diagnostics;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Llvm.Execution;

/// <summary>
/// A module built into an executable: object code emitted in process by the session's target
/// machine (the same code generation as ObjectTextSizeBytes), linked by clang-22 with the run
/// spec's link flags, in a temporary folder of its own that <see cref="Dispose"/> deletes.
/// </summary>
public sealed class Executable : IDisposable
{
    private readonly string _directory;

    private Executable(string directory, string path, RunSpec spec, TimeSpan buildTime)
    {
        _directory = directory;
        Path = path;
        Spec = spec;
        BuildTime = buildTime;
    }

    public string Path { get; }
    public RunSpec Spec { get; }
    /// <summary>Wall time of object emission and linking.</summary>
    public TimeSpan BuildTime { get; }

    /// <summary>The executable's folder, for files about it (such as callgrind's output); deleted with it.</summary>
    public string BuildDirectory => _directory;

    public static Executable Build(LlvmModule module, TargetMachine machine, RunSpec spec, string name)
    {
        var clock = Stopwatch.StartNew();
        string directory = Directory.CreateTempSubdirectory("cgym-build-").FullName;
        try
        {
            string objectFile = System.IO.Path.Combine(directory, name + ".o"), path = System.IO.Path.Combine(directory, name);
            File.WriteAllBytes(objectFile, machine.EmitObject(module));
            LlvmTools.LinkExecutable(objectFile, path, spec.LinkFlags);
            File.Delete(objectFile);
            return new Executable(directory, path, spec, clock.Elapsed);
        }
        catch
        {
            Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>The size of the executable's <c>.text</c> section (C runtime start-up code included).</summary>
    public long TextSizeBytes() => TargetMachine.TextSizeBytes(File.ReadAllBytes(Path));

    /// <summary>One sandboxed run as the spec says, optionally under a wrapper command (such as valgrind) and counting a performance event.</summary>
    public RunResult Run(IReadOnlyList<string>? wrapper = null, RunLimits? limits = null, PerfEvent? counter = null) =>
        ProgramRunner.Run(Path, Spec, wrapper, limits, counter);

    /// <summary>One sandboxed run as another spec says (other inputs or arguments; the link flags were <see cref="Spec"/>'s).</summary>
    public RunResult Run(RunSpec spec) => ProgramRunner.Run(Path, spec);

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }
}
