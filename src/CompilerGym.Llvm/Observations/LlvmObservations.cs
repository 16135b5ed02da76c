using System.Security.Cryptography;
using System.Text;
using CompilerGym.Core.Spaces;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Llvm.Execution;
using CompilerGym.Llvm.Features;

namespace CompilerGym.Llvm.Observations;

/// <summary>
/// What an observation is computed from: the session's module, its benchmark and target, and —
/// built on first use, for the observations that run the program — the module as a program. One
/// per IR state: disposing it deletes the built program.
/// </summary>
public sealed class ObservationSource(LlvmModule module, LlvmBenchmark benchmark, TargetMachine machine, RuntimeOptions? runtime = null) : IDisposable
{
    private BuiltProgram? _program;

    public LlvmModule Module => module;
    public LlvmBenchmark Benchmark => benchmark;
    public TargetMachine Machine => machine;
    public RuntimeOptions Runtime { get; } = runtime ?? RuntimeOptions.Default;
    public BuiltProgram Program => _program ??= new BuiltProgram(module, machine, benchmark, Runtime);

    public void Dispose() => _program?.Dispose();
}

/// <summary>An observation space and how to compute it.</summary>
public sealed record LlvmObservation(Space Space, Func<ObservationSource, Observation> Compute);

/// <summary>
/// The observation spaces of the LLVM environment. Those of the IR and the object file are
/// deterministic; those that build and run the program say in their description what they
/// measure and whether it is deterministic, and throw <see cref="ObservationUnavailableException"/>
/// when the benchmark cannot be run or the machine cannot measure.
/// </summary>
public static class LlvmObservations
{
    public const string Ir = "Ir";
    public const string Bitcode = "Bitcode";
    public const string IrSha1 = "IrSha1";
    public const string InstCountName = "InstCount";
    public const string AutophaseName = "Autophase";
    public const string IrInstructionCount = "IrInstructionCount";
    public const string ObjectTextSizeBytes = "ObjectTextSizeBytes";
    public const string IsRunnable = "IsRunnable";
    public const string Buildtime = "Buildtime";
    public const string TextSizeBytes = "TextSizeBytes";
    public const string Runtime = "Runtime";
    public const string Cycles = "Cycles";
    public const string CyclesEstimate = "CyclesEstimate";

    public static IReadOnlyList<LlvmObservation> All { get; } =
    [
        new(Text(Ir, "The module as LLVM IR text"), s => new Observation.Text(s.Module.ToText())),
        new(new Space(Bitcode, SpaceKind.Bytes, [], null, null, true, false, "The module as LLVM 22 bitcode"),
            s => new Observation.Bytes(s.Module.ToBitcode())),
        new(Text(IrSha1, "SHA-1 of the IR text less its ModuleID line, hex: equal hashes mean equal programs, whatever their benchmarks are named"),
            s => new Observation.Text(Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(WithoutModuleId(s.Module.ToText())))))),
        new(Vector(InstCountName, InstCount.FeatureNames, "Totals of instructions, blocks and defined functions, then a count per LLVM opcode"),
            s => new Observation.Int64Vector(InstCount.Compute(s.Module))),
        new(Vector(AutophaseName, Autophase.FeatureNames, "The 56 Autophase program features (Haj-Ali et al., 2020)"),
            s => new Observation.Int64Vector(Autophase.Compute(s.Module))),
        new(Count(IrInstructionCount, "Number of LLVM IR instructions in the module", false),
            s => new Observation.Int64Scalar(InstCount.InstructionCount(s.Module))),
        .. Baseline(IrInstructionCount, "Number of LLVM IR instructions", false, s => s.Benchmark.Baselines.IrInstructionCount),
        new(Count(ObjectTextSizeBytes, "Size in bytes of the .text section of the object file for the benchmark's target, emitted in process", true),
            s => new Observation.Int64Scalar(s.Machine.TextSizeBytes(s.Module))),
        .. Baseline("ObjectTextSize", "Size in bytes of the object file's .text section", true, s => s.Benchmark.Baselines.ObjectTextSize),
        new(new Space(IsRunnable, SpaceKind.Int64Scalar, [], 0, 1, true, true,
                "1 if the benchmark can be run: it defines main, its dataset says how to run it, and its unoptimized build exits by itself within the run limits (run once per benchmark); else 0"),
            s => new Observation.Int64Scalar(s.Benchmark.IsRunnable ? 1 : 0)),
        new(Measured(Buildtime, "Wall time in microseconds to build the state into an executable: object emission in process and linking with clang-22. Not deterministic"),
            s => new Observation.Int64Scalar(s.Program.BuildtimeMicroseconds())),
        new(Count(TextSizeBytes, "Size in bytes of the .text section of the linked executable (C start-up code included)", true),
            s => new Observation.Int64Scalar(s.Program.TextSizeBytes())),
        .. Baseline("TextSize", "Size in bytes of the linked executable's .text section", true, s => s.Benchmark.Baselines.TextSize),
        new(RuntimeSpace(RuntimeOptions.Default.Runs),
            s => new Observation.Int64Vector(s.Program.WallTimesMicroseconds())),
        .. Baseline(Runtime, "Median wall time in microseconds of the program's measured runs (not deterministic)", true,
            s => s.Benchmark.Baselines.Runtime(s.Runtime), deterministic: false),
        new(Measured(Cycles, "Median of the measured runs' user-space CPU cycles, from the hardware counters (perf_event_open). Not deterministic; unavailable where the machine exposes no hardware counters, as in most virtual machines"),
            s => new Observation.Int64Scalar(s.Program.Cycles())),
        new(Count(CyclesEstimate, "Estimated CPU cycles of one run, from valgrind's callgrind with a fixed simulated cache: instructions + 10 × L1 misses + 100 × last-level misses, counted inside main. A model, not a measurement: the same on every run of a program whose run does not depend on addresses or time; not marked deterministic, since some do (lua seeds its string hashes from an address)", true, deterministic: false),
            s => new Observation.Int64Scalar(s.Program.Callgrind().CyclesEstimate)),
        .. Baseline(CyclesEstimate, "Estimated CPU cycles (callgrind)", true, s => s.Benchmark.Baselines.CyclesEstimate, deterministic: false),
    ];

    /// <summary>The spaces as an environment measuring with <paramref name="runtime"/> has them (Runtime's length is its number of runs).</summary>
    public static IReadOnlyList<Space> SpacesFor(RuntimeOptions runtime) =>
        [.. All.Select(o => o.Space.Name == Runtime ? RuntimeSpace(runtime.Runs) : o.Space)];

    private static readonly Dictionary<string, LlvmObservation> s_byName = All.ToDictionary(o => o.Space.Name);

    public static LlvmObservation Get(string name) => s_byName.TryGetValue(name, out var o) ? o
        : throw new UnknownNameException($"unknown observation space '{name}' (known: {string.Join(", ", s_byName.Keys)})");

    private static Space Text(string name, string description) => new(name, SpaceKind.Text, [], null, null, true, false, description);

    private static Space Count(string name, string description, bool platformDependent, bool deterministic = true) =>
        new(name, SpaceKind.Int64Scalar, [], 0, null, deterministic, platformDependent, description);

    private static Space Measured(string name, string description) => Count(name, description, true, deterministic: false);

    private static Space RuntimeSpace(int runs) => new(Runtime, SpaceKind.Int64Vector, [runs], 0, null, false, true,
        $"Wall times in microseconds of {runs} runs of the program built from the state, after warm-up runs, each sandboxed in a fresh folder "
        + "(process start-up included). Not deterministic: compare medians");

    private static Space Vector(string name, IReadOnlyList<string> names, string description) =>
        new(name, SpaceKind.Int64Vector, [names.Count], 0, null, true, false, description, names);

    private static IEnumerable<LlvmObservation> Baseline(string prefix, string what, bool platformDependent,
        Func<ObservationSource, BaselineCosts> costs, bool deterministic = true) =>
    [
        new(Count(prefix + "O0", $"{what} of the unoptimized benchmark", platformDependent, deterministic),
            s => new Observation.Int64Scalar(costs(s).O0)),
        new(Count(prefix + "O3", $"{what} after LLVM's default<O3> pipeline", platformDependent, deterministic),
            s => new Observation.Int64Scalar(costs(s).O3)),
        new(Count(prefix + "Oz", $"{what} after LLVM's default<Oz> pipeline", platformDependent, deterministic),
            s => new Observation.Int64Scalar(costs(s).Oz)),
    ];

    /// <summary>IR text without its ModuleID comment, which names the benchmark or file the module was loaded as, not the program.</summary>
    public static string WithoutModuleId(string ir) =>
        ir.StartsWith("; ModuleID", StringComparison.Ordinal) && ir.IndexOf('\n') is int end and >= 0 ? ir[(end + 1)..] : ir;
}
