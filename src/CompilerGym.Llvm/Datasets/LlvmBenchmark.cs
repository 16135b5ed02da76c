using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Execution;

namespace CompilerGym.Llvm.Datasets;

/// <summary>
/// A benchmark ready to use: its URI, its unoptimized bitcode (in memory and on disk, so that
/// opt-22 can reproduce a state from the same file), its target, its baseline costs, computed once,
/// and — when it defines <c>main</c>, its dataset says how to run it and this machine runs its
/// target — its run spec and the run of its unoptimized build, the reference that optimized builds
/// must reproduce. A dataset may add a second run spec, other inputs that validation checks too, so
/// that a program tuned on its one input is not trusted on that input alone.
/// </summary>
public sealed class LlvmBenchmark
{
    /// <summary>
    /// The URI parameter asking for another target than the default:
    /// <c>benchmark://builtin-v0/qsort?target=aarch64-linux-gnu</c>. C programs are compiled for it;
    /// a module compiled for another target is refused, since its IR already follows that
    /// target's ABI and data layout.
    /// </summary>
    public const string TargetParameter = "target";

    private readonly string? _noRunSpecReason;
    private readonly string _dataLayout;
    private readonly Lazy<UnoptimizedRun> _reference;

    public string Uri { get; }
    public string BitcodePath { get; }
    public byte[] Bitcode { get; }
    public string Description { get; }
    /// <summary>The target triple the program is compiled for: the module's, or for a module naming none the one asked for (else the default).</summary>
    public string TargetTriple { get; }
    /// <summary>Whether the bitcode file names its target (else opt-22 needs <c>-mtriple</c>).</summary>
    public bool FileNamesTarget { get; }
    /// <summary>How to run the program, or null if it cannot be built into one.</summary>
    public RunSpec? RunSpec { get; }
    /// <summary>
    /// A second way to run the program, on other inputs, that validation checks besides
    /// <see cref="RunSpec"/> (observations measure the main run only); null if there is none.
    /// </summary>
    public RunSpec? SecondRunSpec { get; }

    /// <param name="uri">The URI without a target parameter.</param>
    /// <param name="target">The normalized triple asked for, or null for the default target.</param>
    /// <param name="secondRunSpec">Other inputs to validate on; the executable is linked once, with <paramref name="runSpec"/>'s link flags, so they must be the same.</param>
    public LlvmBenchmark(string uri, string bitcodePath, string description, RunSpec? runSpec = null, string? target = null, RunSpec? secondRunSpec = null)
    {
        Uri = UriFor(uri, target);
        BitcodePath = bitcodePath;
        Description = description;
        Bitcode = File.ReadAllBytes(bitcodePath);
        bool hasMain;
        // Fail now, with LLVM's message, rather than at every reset.
        using (var module = LlvmModule.Parse(Bitcode, Uri))
        {
            module.Verify();
            string named = module.TargetTriple;
            FileNamesTarget = named.Length > 0;
            if (FileNamesTarget && target is not null && TargetMachine.Normalize(named) != target)
                throw new ArgumentException($"{uri} is compiled for {named}, not {target}: its IR follows that target's ABI and data layout, " +
                    $"so it is not retargeted (compile its C source for {target} instead)");
            TargetTriple = FileNamesTarget ? named : target ?? TargetMachine.DefaultTriple;
            hasMain = module.DefinesFunction("main");
        }
        using (var machine = new TargetMachine(TargetTriple)) _dataLayout = machine.DataLayout;
        runSpec?.Check();
        if (secondRunSpec is not null)
        {
            secondRunSpec.Check();
            if (runSpec is null || !secondRunSpec.LinkFlags.SequenceEqual(runSpec.LinkFlags))
                throw new ArgumentException($"{uri}: a second run spec needs a main run spec with the same link flags (one build runs both)");
        }
        bool runsHere = TargetMachine.RunsHere(TargetTriple);
        RunSpec = hasMain && runsHere ? runSpec : null;
        SecondRunSpec = RunSpec is null ? null : secondRunSpec;
        _noRunSpecReason = !hasMain ? "it defines no main function" : !runsHere ? $"it is compiled for {TargetTriple}, which this machine does not run"
            : runSpec is null ? "its dataset does not say how to run it" : null;
        Baselines = new Baselines(this);
        // A failure (a full disk, a time-out) is not remembered: the next call tries again.
        _reference = new(RunUnoptimized, LazyThreadSafetyMode.PublicationOnly);
    }

    /// <summary>A benchmark's URI for a target (null: the default target, no parameter).</summary>
    public static string UriFor(string uri, string? target) => target is null ? uri : $"{uri}?{TargetParameter}={target}";

    public Baselines Baselines { get; }

    /// <summary>A file name for the benchmark's executable: the last part of its URI, without extension.</summary>
    public string ProgramName
    {
        get
        {
            string name = Path.GetFileNameWithoutExtension(Uri.TrimEnd('/').Split('/')[^1]);
            name = new string([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
            return name.Length > 0 ? name : "program";
        }
    }

    /// <summary>The run of the unoptimized build, made once (it needs a run spec, and a program that builds).</summary>
    public RunResult Reference => _reference.Value.Run ?? throw new ObservationUnavailableException($"{Uri} is not runnable: {NotRunnableReason}");

    /// <summary>The unoptimized build's run on <see cref="SecondRunSpec"/>, made with <see cref="Reference"/>; null if there is no second run spec.</summary>
    public RunResult? SecondReference => SecondRunSpec is null ? null
        : _reference.Value.SecondRun ?? throw new ObservationUnavailableException($"{Uri} is not runnable: {NotRunnableReason}");

    /// <summary>Whether the program can be run: it has a run spec, and its unoptimized build links, and exits by itself within the limits (on its second run spec too).</summary>
    public bool IsRunnable => NotRunnableReason is null;

    /// <summary>Why the program cannot be run (see <see cref="IsRunnable"/>), or null if it can.</summary>
    public string? NotRunnableReason => _noRunSpecReason ?? _reference.Value switch
    {
        { BuildError: { } error } => $"its unoptimized build failed: {error}",
        { Run: { Termination: not RunTermination.Exited } run } => $"its unoptimized build {run.Describe()}",
        { SecondRun: { Termination: not RunTermination.Exited } run } => $"its unoptimized build, on its second input, {run.Describe()}",
        _ => null,
    };

    public RunSpec RequireRunSpec() => RunSpec
        ?? throw new ObservationUnavailableException($"{Uri} cannot be built into a program: {_noRunSpecReason}");

    public void RequireRunnable()
    {
        RequireRunSpec();
        if (NotRunnableReason is { } reason) throw new ObservationUnavailableException($"{Uri} is not runnable: {reason}");
    }

    /// <summary>A fresh module of the unoptimized program, in its own context, given <see cref="TargetTriple"/> if it names none.</summary>
    public LlvmModule Load()
    {
        var module = LlvmModule.Parse(Bitcode, Uri);
        module.SetTargetIfMissing(TargetTriple, _dataLayout);
        return module;
    }

    // The unoptimized build's runs (one build for both run specs), or why it could not be built: a program that
    // does not link (an undefined symbol) is not runnable, an answer to remember rather than a failure to retry.
    private UnoptimizedRun RunUnoptimized()
    {
        var spec = RequireRunSpec();
        using var machine = TargetMachine.Unoptimized(TargetTriple);
        using var module = Load();
        Executable executable;
        try
        {
            executable = Executable.Build(module, machine, spec, ProgramName);
        }
        catch (LlvmException e)
        {
            return new UnoptimizedRun(null, null, e.Message);
        }
        using (executable) return new UnoptimizedRun(executable.Run(), SecondRunSpec is { } second ? executable.Run(second) : null, null);
    }

    private sealed record UnoptimizedRun(RunResult? Run, RunResult? SecondRun, string? BuildError);
}
