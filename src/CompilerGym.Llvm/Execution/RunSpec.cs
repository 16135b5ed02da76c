using System.Text.RegularExpressions;

namespace CompilerGym.Llvm.Execution;

/// <summary>A file a program reads: copied from <paramref name="Source"/> into the run folder as <paramref name="Name"/> before every run.</summary>
public sealed record RunInput(string Name, string Source);

/// <summary>
/// Limits of one run. CPU time is enforced by the kernel (RLIMIT_CPU, SIGXCPU), wall time by the
/// runner (it kills the whole process group), memory as address space (RLIMIT_AS), and
/// <paramref name="FileBytes"/> bounds every file the program writes, its captured stdout and
/// stderr included (RLIMIT_FSIZE).
/// </summary>
public sealed record RunLimits(TimeSpan CpuTime, TimeSpan WallTime, long MemoryBytes, long FileBytes)
{
    public static RunLimits Default { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), 2L << 30, 256L << 20);
}

/// <summary>
/// How a benchmark's program runs. Each run gets a fresh, empty folder as its working directory;
/// the <see cref="Inputs"/> are copied into it, stdin comes from the input named by
/// <see cref="Stdin"/> (else it is empty), and stdout, the exit code and the
/// <see cref="OutputFiles"/> are what the program computed: validation compares them with the
/// unoptimized build's. In <see cref="Arguments"/>, <c>{input:NAME}</c> and
/// <c>{output:NAME}</c> stand for the absolute path of that file in the run folder (plain
/// relative names work too, the run folder being the working directory).
/// <example>
/// <c>prog -d -c input.bz2 &gt; out</c>, comparing <c>out</c>: stdout is always captured, so
/// <code>new RunSpec { Arguments = ["-d", "-c", "{input:input.bz2}"], Inputs = [new("input.bz2", "/data/sample.bz2")] }</code>
/// <c>prog -o result.txt &lt; data.txt</c>:
/// <code>new RunSpec { Arguments = ["-o", "{output:result.txt}"], Inputs = [new("data.txt", path)], Stdin = "data.txt", OutputFiles = ["result.txt"] }</code>
/// </example>
/// </summary>
public sealed partial record RunSpec
{
    public IReadOnlyList<string> Arguments { get; init; } = [];
    public IReadOnlyList<RunInput> Inputs { get; init; } = [];
    /// <summary>The name of the input to read as stdin, or null for an empty stdin.</summary>
    public string? Stdin { get; init; }
    /// <summary>Files, relative to the run folder, that the program writes and validation compares (their folders are made before the run).</summary>
    public IReadOnlyList<string> OutputFiles { get; init; } = [];
    /// <summary>Flags for the link (clang-22), after the object file: libraries such as <c>-lm</c>.</summary>
    public IReadOnlyList<string> LinkFlags { get; init; } = ["-lm"];
    public RunLimits Limits { get; init; } = RunLimits.Default;
    /// <summary>Variables added to the run's fixed environment (PATH, LC_ALL, HOME, TMPDIR), e.g. OMP_NUM_THREADS.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The arguments with their placeholders replaced by paths in <paramref name="runDirectory"/>.</summary>
    public IReadOnlyList<string> ArgumentsIn(string runDirectory) =>
        [.. Arguments.Select(a => Placeholder().Replace(a, m => Path.Combine(runDirectory, m.Groups[2].Value)))];

    /// <summary>Throws an ArgumentException naming the first problem: a path leaving the run folder, an unknown name, a missing input.</summary>
    public void Check()
    {
        foreach (string name in Inputs.Select(i => i.Name).Concat(OutputFiles)) CheckRelative(name);
        var inputs = Inputs.Select(i => i.Name).ToHashSet();
        if (inputs.Count != Inputs.Count) throw new ArgumentException("run spec: two inputs have the same name");
        if (Stdin is not null && !inputs.Contains(Stdin)) throw new ArgumentException($"run spec: stdin '{Stdin}' is not one of the inputs");
        foreach (var input in Inputs.Where(i => !File.Exists(i.Source)))
            throw new ArgumentException($"run spec: input '{input.Name}' comes from '{input.Source}', which does not exist");
        foreach (Match m in Arguments.SelectMany(a => Placeholder().Matches(a)))
        {
            bool known = m.Groups[1].Value == "input" ? inputs.Contains(m.Groups[2].Value) : OutputFiles.Contains(m.Groups[2].Value);
            if (!known) throw new ArgumentException($"run spec: argument placeholder '{m.Value}' names no {m.Groups[1].Value} file");
        }
        if (Limits.CpuTime <= TimeSpan.Zero || Limits.WallTime <= TimeSpan.Zero || Limits.MemoryBytes <= 0 || Limits.FileBytes <= 0)
            throw new ArgumentException("run spec: every limit must be positive");
        // CyclesEstimate runs under callgrind with 100 times the time limits; a day stays well within what a wait can take.
        if (Limits.CpuTime > TimeSpan.FromHours(1) || Limits.WallTime > TimeSpan.FromHours(1))
            throw new ArgumentException("run spec: time limits must be at most an hour");
    }

    private static void CheckRelative(string name)
    {
        if (name.Length == 0 || Path.IsPathRooted(name) || name.Split('/').Any(part => part is "" or "." or ".."))
            throw new ArgumentException($"run spec: '{name}' must be a relative path inside the run folder");
    }

    [GeneratedRegex(@"\{(input|output):([^}]+)\}")]
    private static partial Regex Placeholder();
}
