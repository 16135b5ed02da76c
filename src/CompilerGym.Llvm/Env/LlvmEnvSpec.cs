using System.Collections.Concurrent;
using System.Security.Cryptography;
using CompilerGym.Core.Benchmarks;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Llvm.Execution;
using CompilerGym.Llvm.Observations;
using CompilerGym.Llvm.Rewards;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Llvm.Env;

/// <summary><c>llvm-v0</c> as the registry knows it: programs as LLVM modules, ordered passes, costs against -Oz.</summary>
public sealed class LlvmEnvSpec : EnvSpec
{
    public const string EnvId = "llvm-v0";

    // A server's workers share one store per uploads folder, so programs load once per process.
    private static readonly ConcurrentDictionary<string, BenchmarkStore> s_storesWithUploads = new();

    /// <summary>
    /// Six programs from 558 to 4,208 unoptimized instructions, of different kinds: the one list of
    /// built-in programs a policy never trains on, so its evaluation there measures what carries over.
    /// </summary>
    public static readonly IReadOnlyList<string> HeldOut =
        [.. new[] { "crc32", "dijkstra", "huffman", "interp", "qsort", "sha256" }.Select(n => $"benchmark://{BuiltinDataset.DatasetName}/{n}")];

    public static LlvmEnvSpec Instance { get; } = new();

    public override string Id => EnvId;

    public override string Description => "LLVM 22 pass ordering on whole programs: each action runs a new-pass-manager pipeline; costs are IR instructions, object code size, run time";

    public override ICompilerEnv Make(EnvSettings settings) => new LlvmEnv(Store(settings.UserBenchmarkDirectory),
        settings.ActionSpace ?? LlvmActionSpace.Passes, settings.ObservationSpace, settings.RewardSpace);

    private static BenchmarkStore Store(string? uploads) => uploads is null ? BenchmarkStore.Default
        : s_storesWithUploads.GetOrAdd(Path.GetFullPath(uploads), dir =>
            new BenchmarkStore([.. BenchmarkStore.Default.Datasets, new UserDataset(dir)], BenchmarkStore.Default.Generators));

    public override string DefaultActionSpace => LlvmActionSpace.Passes;
    // Computed when asked: every cgym command and worker makes the registry at start, and most never ask.
    public override IReadOnlyList<Space> ActionSpaces => [.. LlvmActionSpace.All.Select(s => s.Space)];
    public override IReadOnlyList<Space> ObservationSpaces => LlvmObservations.SpacesFor(RuntimeOptions.Default);
    public override IReadOnlyList<Space> RewardSpaces => [.. LlvmRewards.All.Select(r => r.Reward.Space)];

    public override IReadOnlyList<ActionInfo> Actions(string actionSpace) =>
        [.. LlvmActionSpace.Get(actionSpace).Actions.Select(a => new ActionInfo(a.Id, a.Name, a.Pipeline))];

    public override IReadOnlyList<DatasetInfo> Datasets =>
        [.. BenchmarkStore.Default.Datasets.Select(d => new DatasetInfo(d.Name, d.Description, d.Benchmarks))];

    public override IReadOnlyList<DatasetInfo> Generators =>
        [.. BenchmarkStore.Default.Generators.Select(g => new DatasetInfo(g.Name, g.Description, []))];

    public override IReadOnlyDictionary<string, IReadOnlyList<string>> BenchmarkSets => s_sets.Value;

    // The built-in programs are read from their resources only when a set is asked for.
    private static readonly Lazy<Dictionary<string, IReadOnlyList<string>>> s_sets = new(BuildSets);

    private static Dictionary<string, IReadOnlyList<string>> BuildSets()
    {
        IReadOnlyList<string> builtin = [.. new BuiltinDataset().Benchmarks.Select(b => b.Uri)];
        return new()
        {
            ["held-out"] = HeldOut,
            // The built-in programs less the held-out ones.
            ["training"] = [.. builtin.Except(HeldOut)],
            ["builtin"] = builtin,
        };
    }

    public override AgentDefaults Defaults { get; } = new(
        RewardSpace: "IrInstructionCountOz",
        EpisodeLength: 45,
        Cost: LlvmObservations.IrInstructionCount,
        Search: "beam",
        MaxLength: 40,
        TrainingSet: "training",
        HeldOutSet: "held-out",
        StepObservations: ["IrInstructionCount", "IrInstructionCountO0", "IrInstructionCountOz", "ObjectTextSizeBytes", "ObjectTextSizeOz"],
        StepRewards: ["IrInstructionCountOz", "ObjectTextSizeOz"],
        Training: new TrainingDefaults(),
        // From the floor's result a search finds what it leaves; from the unoptimized program over
        // single passes it finds programs that -Oz's inlining and loop passes rule out (qsort,
        // bzip2). They search side by side, or share the budget on one core.
        TuneActionSpaces: [LlvmActionSpace.Tune, LlvmActionSpace.Passes]);

    /// <summary>The actions running one of the floor pipelines (<see cref="LlvmActionSpace.FloorPipelines"/>) in a built-in space (llvm-22-tune has all), in their order.</summary>
    public override IReadOnlyList<string> FloorActions(string actionSpace)
    {
        var space = LlvmActionSpace.All.FirstOrDefault(s => s.Name == actionSpace);
        if (space is null) return [];
        var pipelines = space.Actions.Select(a => a.Pipeline).ToHashSet();
        return [.. LlvmActionSpace.FloorPipelines.Where(f => pipelines.Contains(f.Pipeline)).Select(f => space.Actions.First(a => a.Pipeline == f.Pipeline).Name)];
    }

    public override string? ReferenceAction(string actionSpace) =>
        LlvmActionSpace.All.FirstOrDefault(s => s.Name == actionSpace)?.Actions.FirstOrDefault(a => a.Pipeline == CompilerGym.Llvm.Datasets.Baselines.OzPipeline)?.Name;

    /// <summary>The portfolio learned for the cost on builtin-v0 and generated programs, shipped as <c>Portfolios/COST.json</c>.</summary>
    public override Portfolio? OneShotPortfolio(string cost)
    {
        string name = $"Portfolios/{cost}.json";
        using var stream = typeof(LlvmEnvSpec).Assembly.GetManifestResourceStream(name);
        return stream is null ? null : Portfolio.FromJson(new StreamReader(stream).ReadToEnd(), name);
    }

    public override EvalMetric Evaluation { get; } = new("IrInstructionCountOz", "IrInstructionCount", "IrInstructionCountO0", "IrInstructionCountOz",
        "IrInstructionCountOz reward (C0 - C) / (C0 - C_Oz), C_ref = C_Oz: above 1 beats -Oz; C / C_ref below 1 beats -Oz");

    /// <summary>A program named by its URI with its target, so that results for different targets are different programs.</summary>
    public override TuneInput ResolveProgram(string input)
    {
        var benchmark = BenchmarkStore.Default.Get(input);
        var (uri, target) = BenchmarkStore.SplitTarget(BenchmarkUri.Parse(benchmark.Uri));
        bool isFile = uri.Scheme == "file";
        string name = isFile ? FileName(uri.Name) : uri.Name;
        return new TuneInput(benchmark.Uri, target is null ? name : $"{name}@{target}",
            Convert.ToHexStringLower(SHA256.HashData(benchmark.Bitcode)), isFile, benchmark.Bitcode, benchmark.TargetTriple);
    }

    /// <summary>The input's benchmark URI with a <see cref="LlvmBenchmark.TargetParameter"/>; an unknown triple is an ArgumentException naming the targets there are.</summary>
    public override string WithTarget(string input, string target)
    {
        var (uri, given) = BenchmarkStore.SplitTarget(BenchmarkUri.Parse(input));
        string normal = TargetMachine.Normalize(target);
        if (given is not null && given != normal)
            throw new ArgumentException($"'{input}' names the target {given}, not {normal}");
        return LlvmBenchmark.UriFor(uri.ToString(), normal == TargetMachine.DefaultTriple ? null : normal);
    }

    // A compile_commands.json is named by its project's folder.
    private static string FileName(string path) => Path.GetFileName(path) == "compile_commands.json"
        ? Path.GetFileName(Path.GetDirectoryName(path)) ?? "project"
        : Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(path));

    /// <summary>
    /// The optimized bitcode, its object file and, for a program with <c>main</c> that links, its
    /// executable; beside them the unoptimized bitcode the env was reset to (<c>STEM.O0.bc</c>) and a
    /// script that makes all three again from it with stock tools (<c>STEM.reproduce.sh</c>). Object
    /// code and executable are made here from the bitcode, so that a remote env's result gets them the same way.
    /// </summary>
    public override TuneOutput WriteResult(ICompilerEnv env, string program, IReadOnlyList<string> actions, string folder, string stem)
    {
        var benchmark = BenchmarkStore.Default.Get(program);
        var space = LlvmActionSpace.Get(env.ActionSpace.Name);
        string pipeline = LlvmActionSpace.PipelineOf(actions.Select(name => space[name]));
        byte[] bitcode = env.Observe(LlvmObservations.Bitcode).AsBytes();
        string inputFile = stem + ".O0.bc", bitcodeFile = stem + ".bc", objectFile = stem + ".o", scriptFile = stem + ".reproduce.sh";
        File.WriteAllBytes(Path.Combine(folder, inputFile), benchmark.Bitcode);
        File.WriteAllBytes(Path.Combine(folder, bitcodeFile), bitcode);
        File.WriteAllBytes(Path.Combine(folder, objectFile), ObjectCode(bitcode, stem));
        var linkFlags = benchmark.RunSpec?.LinkFlags;
        string? executable = linkFlags is not null && Linked(folder, objectFile, stem, linkFlags) ? stem : null;
        File.WriteAllText(Path.Combine(folder, scriptFile),
            ReproduceScript.Text(program, stem, pipeline, benchmark.FileNamesTarget ? null : benchmark.TargetTriple, executable is null ? null : linkFlags));
        return new TuneOutput(bitcodeFile, objectFile, pipeline)
        {
            InputFile = inputFile,
            ScriptFile = scriptFile,
            ExecutableFile = executable,
            Toolchain = Toolchain(benchmark.TargetTriple, executable is null ? null : linkFlags),
        };
    }

    public override string ResultFiles => "optimized bitcode (.bc), object files (.o), executables, unoptimized bitcode (.O0.bc) and scripts that remake them (.reproduce.sh)";

    public override string CompilerVersion => $"LLVM {LlvmVersion.Text}";

    // A program that does not link (an undefined function) has no executable, as a library has none.
    private static bool Linked(string folder, string objectFile, string stem, IReadOnlyList<string> linkFlags)
    {
        try
        {
            LlvmTools.LinkExecutable(Path.Combine(folder, objectFile), Path.Combine(folder, stem), linkFlags);
            return true;
        }
        catch (LlvmException)
        {
            return false;
        }
    }

    // What builds the result from its input, as the reproducing script runs it.
    private static string Toolchain(string triple, IReadOnlyList<string>? linkFlags) =>
        $"passes: {LlvmTools.Opt} {LlvmTools.OptTargetFlags}; " +
        $"object code: libLLVM {LlvmVersion.Text} for {triple}, as {LlvmTools.Llc} {LlvmTools.LlcFlags}" +
        (linkFlags is null ? "; not linked" : $"; link: {LlvmTools.Clang}{string.Concat(linkFlags.Select(f => " " + f))}");

    // Emitted here from the bitcode, so that a remote env's result gets its object file the same
    // way; a session's module always names its target.
    private static byte[] ObjectCode(byte[] bitcode, string name)
    {
        using var module = LlvmModule.ParseBitcode(bitcode, name);
        using var machine = new TargetMachine(module.TargetTriple);
        return machine.EmitObject(module);
    }
}
