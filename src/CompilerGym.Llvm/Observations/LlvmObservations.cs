using System.Security.Cryptography;
using System.Text;
using CompilerGym.Core.Spaces;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Llvm.Features;

namespace CompilerGym.Llvm.Observations;

/// <summary>What an observation is computed from: the session's module, its benchmark and target.</summary>
public sealed record ObservationSource(LlvmModule Module, LlvmBenchmark Benchmark, TargetMachine Machine);

/// <summary>An observation space and how to compute it.</summary>
public sealed record LlvmObservation(Space Space, Func<ObservationSource, Observation> Compute);

/// <summary>The observation spaces of the LLVM environment. All are deterministic.</summary>
public static class LlvmObservations
{
    public const string Ir = "Ir";
    public const string Bitcode = "Bitcode";
    public const string IrSha1 = "IrSha1";
    public const string InstCountName = "InstCount";
    public const string AutophaseName = "Autophase";
    public const string IrInstructionCount = "IrInstructionCount";
    public const string ObjectTextSizeBytes = "ObjectTextSizeBytes";

    public static IReadOnlyList<LlvmObservation> All { get; } =
    [
        new(Text(Ir, "The module as LLVM IR text"), s => new Observation.Text(s.Module.ToText())),
        new(new Space(Bitcode, SpaceKind.Bytes, [], null, null, true, false, "The module as LLVM 22 bitcode"),
            s => new Observation.Bytes(s.Module.ToBitcode())),
        new(Text(IrSha1, "SHA-1 of the IR text, hex: equal hashes mean equal programs"),
            s => new Observation.Text(Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(s.Module.ToText()))))),
        new(Vector(InstCountName, InstCount.FeatureNames, "Totals of instructions, blocks and defined functions, then a count per LLVM opcode"),
            s => new Observation.Int64Vector(InstCount.Compute(s.Module))),
        new(Vector(AutophaseName, Autophase.FeatureNames, "The 56 Autophase program features (Haj-Ali et al., 2020)"),
            s => new Observation.Int64Vector(Autophase.Compute(s.Module))),
        new(Count(IrInstructionCount, "Number of LLVM IR instructions in the module", false),
            s => new Observation.Int64Scalar(InstCount.InstructionCount(s.Module))),
        .. Baseline(IrInstructionCount, "Number of LLVM IR instructions", false, b => b.IrInstructionCount),
        new(Count(ObjectTextSizeBytes, "Size in bytes of the .text section of the x86-64 object file, emitted in process", true),
            s => new Observation.Int64Scalar(s.Machine.TextSizeBytes(s.Module))),
        .. Baseline("ObjectTextSize", "Size in bytes of the object file's .text section", true, b => b.ObjectTextSize),
    ];

    private static readonly Dictionary<string, LlvmObservation> s_byName = All.ToDictionary(o => o.Space.Name);

    public static LlvmObservation Get(string name) => s_byName.TryGetValue(name, out var o) ? o
        : throw new UnknownNameException($"unknown observation space '{name}' (known: {string.Join(", ", s_byName.Keys)})");

    private static Space Text(string name, string description) => new(name, SpaceKind.Text, [], null, null, true, false, description);

    private static Space Count(string name, string description, bool platformDependent) =>
        new(name, SpaceKind.Int64Scalar, [], 0, null, true, platformDependent, description);

    private static Space Vector(string name, IReadOnlyList<string> names, string description) =>
        new(name, SpaceKind.Int64Vector, [names.Count], 0, null, true, false, description, names);

    private static IEnumerable<LlvmObservation> Baseline(string prefix, string what, bool platformDependent, Func<Baselines, BaselineCosts> costs) =>
    [
        new(Count(prefix + "O0", $"{what} of the unoptimized benchmark", platformDependent),
            s => new Observation.Int64Scalar(costs(s.Benchmark.Baselines).O0)),
        new(Count(prefix + "O3", $"{what} after LLVM's default<O3> pipeline", platformDependent),
            s => new Observation.Int64Scalar(costs(s.Benchmark.Baselines).O3)),
        new(Count(prefix + "Oz", $"{what} after LLVM's default<Oz> pipeline", platformDependent),
            s => new Observation.Int64Scalar(costs(s.Benchmark.Baselines).Oz)),
    ];
}
