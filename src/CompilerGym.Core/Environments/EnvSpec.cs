using CompilerGym.Core.Benchmarks;
using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;

namespace CompilerGym.Core.Environments;

/// <summary>
/// An environment's description of itself, given once to the <see cref="EnvRegistry"/> (Gymnasium's
/// <c>register</c>): its id, which benchmarks are its own, its spaces and datasets, how to make it
/// in process, its defaults for agents and searches, and how a tuned result is written. Hosts,
/// agents, the tuner and the command line ask for these and never test which environment they have.
/// </summary>
public abstract class EnvSpec
{
    /// <summary>The id sessions, clients and checkpoints name it by, e.g. <c>llvm-v0</c>.</summary>
    public abstract string Id { get; }

    public abstract string Description { get; }

    /// <summary>
    /// Whether a benchmark URI (or path) is one of this environment's. The registry's default (its
    /// first) serves every benchmark no other environment owns, and is not asked; an environment
    /// that owns none is reached by its id alone.
    /// </summary>
    public virtual bool Owns(string benchmark) => false;

    /// <summary>A new in-process environment with the given spaces (null: its defaults).</summary>
    public abstract ICompilerEnv Make(EnvSettings settings);

    public abstract string DefaultActionSpace { get; }
    public abstract IReadOnlyList<Space> ActionSpaces { get; }
    public abstract IReadOnlyList<Space> ObservationSpaces { get; }
    public abstract IReadOnlyList<Space> RewardSpaces { get; }

    /// <summary>The actions of one of its named action spaces, each with what it runs.</summary>
    public abstract IReadOnlyList<ActionInfo> Actions(string actionSpace);

    /// <summary>Its datasets, each with the benchmarks it lists.</summary>
    public abstract IReadOnlyList<DatasetInfo> Datasets { get; }

    /// <summary>Its generators of programs, named <c>generator://NAME/SEED</c>.</summary>
    public virtual IReadOnlyList<DatasetInfo> Generators => [];

    /// <summary>Named lists of benchmarks for training and evaluation (see <see cref="AgentDefaults"/>).</summary>
    public abstract IReadOnlyDictionary<string, IReadOnlyList<string>> BenchmarkSets { get; }

    public abstract AgentDefaults Defaults { get; }

    /// <summary>How an evaluation scores agents here: the reward, the cost and its two baselines.</summary>
    public abstract EvalMetric Evaluation { get; }

    /// <summary>
    /// A program the tuner was given (a URI or a path), resolved and checked before any tuning, so
    /// that a typo or a program that does not build fails at once.
    /// </summary>
    public abstract TuneInput ResolveProgram(string input);

    /// <summary>
    /// The program input (a URI or a path) asked for on another target than the default (a target
    /// triple, as <c>cgym tune --target</c> gives it), as <see cref="ResolveProgram"/> takes it.
    /// Throws ArgumentException for an environment without targets, or a target it does not know.
    /// </summary>
    public virtual string WithTarget(string input, string target) =>
        throw new ArgumentException($"{Id} compiles for one target: it takes no target ('{target}')");

    /// <summary>
    /// Writes the env's current state as the tuned program's files, named from <paramref name="stem"/> in
    /// <paramref name="folder"/>. <paramref name="program"/> is the program as <see cref="ResolveProgram"/>
    /// named it: the env may be remote, and files made from its input are made here, on the client.
    /// </summary>
    public abstract TuneOutput WriteResult(ICompilerEnv env, string program, IReadOnlyList<string> actions, string folder, string stem);

    /// <summary>
    /// The compiler that runs this environment in process, with its version (<c>LLVM 22.1.8</c>): a
    /// tuned result records it, and a resumed tuning reuses only results of the same.
    /// </summary>
    public virtual string CompilerVersion => "unknown";

    /// <summary>What a tuner's result files are, for its closing line.</summary>
    public abstract string ResultFiles { get; }

    /// <summary>
    /// The actions of an action space that each run a whole standard pipeline (llvm-v0's
    /// <c>default&lt;Oz&gt;</c>, <c>default&lt;Os&gt;</c>, <c>default&lt;O2&gt;</c>, <c>default&lt;O3&gt;</c>): the tuner
    /// tries each from the start state and searches that space on from the cheapest, so that its
    /// result is never worse than the best of them. Empty for a space without such actions, and for an
    /// environment whose start state is its reference already (mlir-v0's default lowering). They
    /// are tried whatever the cost: which pipeline is cheapest depends on the program as much as on
    /// the cost.
    /// </summary>
    public virtual IReadOnlyList<string> FloorActions(string actionSpace) => [];

    /// <summary>
    /// The portfolio <c>cgym tune --one-shot</c> applies for this cost by default, learned on the
    /// environment's training programs (<c>cgym portfolio</c>); null where none was learned.
    /// </summary>
    public virtual Portfolio? OneShotPortfolio(string cost) => null;

    /// <summary>The reference a result is compared with, as reports name it (<c>-Oz</c>).</summary>
    public virtual string ReferenceName => "-Oz";

    /// <summary>
    /// A cost's unoptimized, reference and -O3 values where the env observes them: by default the
    /// observations named by the cost, or its longest prefix that has them, followed by O0, Oz and O3
    /// (IrInstructionCount → IrInstructionCountOz, ObjectTextSizeBytes → ObjectTextSizeOz). A cost
    /// without them gets nulls. Values the caller has measured already, of a deterministic cost
    /// (the start state's, the <see cref="ReferenceAction"/>'s result), are given in
    /// <paramref name="known"/> and not measured again: on a large program each is a whole pipeline.
    /// </summary>
    public virtual CostBaselines Baselines(ICompilerEnv env, string cost, CostBaselines? known = null)
    {
        var names = env.ObservationSpaces.Select(s => s.Name).ToHashSet();
        string? prefix = Enumerable.Range(1, cost.Length).Reverse().Select(n => cost[..n]).FirstOrDefault(p => names.Contains(p + "Oz"));
        if (prefix is null) return new(null, null, null);
        double? Observe(string level, double? given) => given ?? (names.Contains(prefix + level) ? env.Observe(prefix + level).AsDouble() : null);
        return new(Observe("O0", known?.O0), Observe("Oz", known?.Oz), Observe("O3", known?.O3));
    }

    /// <summary>
    /// The action of an action space that runs the reference pipeline from which <see cref="Baselines"/>'
    /// Oz is measured (llvm-v0's <c>Oz</c>, <c>default&lt;Oz&gt;</c>), if the space has one.
    /// </summary>
    public virtual string? ReferenceAction(string actionSpace) => null;

    public override string ToString() => Id;
}

/// <summary>The spaces a host asks for when it makes an env, and where a server keeps uploaded programs.</summary>
public sealed record EnvSettings(string? ActionSpace = null, string? ObservationSpace = null, string? RewardSpace = null,
    string? UserBenchmarkDirectory = null);

/// <summary>One action of a named action space and what it runs (a pipeline, a transformation).</summary>
public sealed record ActionInfo(int Id, string Name, string Definition);

/// <summary>A dataset or generator as lists show it.</summary>
public sealed record DatasetInfo(string Name, string Description, IReadOnlyList<BenchmarkInfo> Benchmarks);

/// <summary>
/// What agents and tools use on an environment unless told otherwise: the reward PPO learns from
/// and its episode length, the cost, search and sequence length of tuning, the benchmark sets of
/// training and evaluation, what <c>cgym step</c> reports, what PPO changes from its own defaults
/// here, and the action spaces tuning searches in turn, sharing its budget, each from its floor
/// (null: the environment's default action space alone).
/// </summary>
public sealed record AgentDefaults(
    string RewardSpace,
    int EpisodeLength,
    string Cost,
    string Search,
    int MaxLength,
    string TrainingSet,
    string HeldOutSet,
    IReadOnlyList<string> StepObservations,
    IReadOnlyList<string> StepRewards,
    TrainingDefaults Training,
    IReadOnlyList<string>? TuneActionSpaces = null);

/// <summary>PPO's settings that differ on an environment (null: PPO's own default).</summary>
public sealed record TrainingDefaults(long? TotalSteps = null, int? Envs = null, int? EpisodesPerUpdate = null, int? Hidden = null,
    double? LearningRate = null);

/// <summary>An evaluation's measure: the reward summed, the cost, and the observations of its unoptimized and reference values.</summary>
public sealed record EvalMetric(string RewardSpace, string Cost, string Unoptimized, string Reference, string Title);

/// <summary>
/// A program to tune, resolved: its canonical URI, a short name, a hash of its input (a changed
/// file is a new program), whether it is a user's file, and what to upload to a server for it
/// (null where this environment does not upload programs), and the target it is compiled for (LLVM's
/// target triple; null where the environment has none).
/// </summary>
public sealed record TuneInput(string Uri, string Name, string InputHash, bool IsFile, byte[]? Upload, string? Target = null);

/// <summary>
/// A tuned program's files (relative to the output folder) and the pipeline that made it; where the
/// environment writes them, the unoptimized input beside it, a shell script that makes the result
/// again from that input with stock tools, and the linked executable; and the tools and flags that
/// build the result (its provenance beside the compiler version).
/// </summary>
public sealed record TuneOutput(string ProgramFile, string MachineFile, string Pipeline)
{
    public string? InputFile { get; init; }
    public string? ScriptFile { get; init; }
    public string? ExecutableFile { get; init; }
    public string Toolchain { get; init; } = "";
}

/// <summary>A cost's unoptimized, reference (-Oz) and -O3 values; null where the env has none.</summary>
public sealed record CostBaselines(double? O0, double? Oz, double? O3);
