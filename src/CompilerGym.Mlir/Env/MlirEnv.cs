using System.Diagnostics;
using CompilerGym.Core.Caching;
using CompilerGym.Core.Envs;
using CompilerGym.Core.Rewards;
using CompilerGym.Core.Spaces;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Features;
using CompilerGym.Llvm.Tools;
using CompilerGym.Mlir.Actions;
using CompilerGym.Mlir.Benchmarks;
using CompilerGym.Mlir.Core;
using CompilerGym.Mlir.Runtime;

namespace CompilerGym.Mlir.Env;

/// <summary>
/// <c>mlir-v0</c>, in process: loop-nest optimization of a linalg kernel with MLIR 22. Each step
/// applies transformations to the kernel's root operation through the shim (no process start);
/// observations are computed on request and cached until a step changes the kernel. The state is
/// (benchmark, actions, and a custom space's specs), and <see cref="Commandline"/> reproduces it
/// with mlir-opt-22.
/// </summary>
public sealed class MlirEnv : ICompilerEnv
{
    public const string MlirOpt = "mlir-opt-22";

    private readonly Dictionary<string, Observation> _cache = [];
    private readonly List<MlirAction> _actions = [];
    private MlirActionSpace _space = MlirActionSpace.Instance;
    private Space? _observationSpace;
    private Space? _rewardSpace;
    private MlirBenchmark? _benchmark;
    private MlirModule? _module;
    private string _text = "";
    // The kernel as reset left it: its run is the default lowering's.
    private string _startText = "";
    private double _episodeReward;
    private long _episodeStart;
    private PreviousMeasurements _lastSpeedup = new();
    // The kernels built and timed, shared with forks.
    private RunMemo _runs = new();

    /// <param name="runtimeBudget">Wall-clock time spent timing one runtime observation (at least 3 calls are timed).</param>
    /// <param name="kernelTimeLimit">Wall-clock limit of one run of the kernel (default <see cref="Harness.DefaultTimeLimit"/> of the budget); a run past it is an error.</param>
    public MlirEnv(string? observationSpace = null, string? rewardSpace = null, TimeSpan? runtimeBudget = null, TimeSpan? kernelTimeLimit = null)
    {
        _observationSpace = observationSpace is null ? null : MlirSpaces.Observation(observationSpace);
        _rewardSpace = rewardSpace is null ? null : MlirSpaces.Reward(rewardSpace);
        RuntimeBudget = runtimeBudget ?? TimeSpan.FromMilliseconds(200);
        KernelTimeLimit = kernelTimeLimit ?? Harness.DefaultTimeLimit(RuntimeBudget);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(KernelTimeLimit, TimeSpan.Zero, nameof(kernelTimeLimit));
    }

    public TimeSpan RuntimeBudget { get; }
    public TimeSpan KernelTimeLimit { get; }

    public IReadOnlyList<Space> ActionSpaces { get; } = [MlirActionSpace.Instance.Space];
    public IReadOnlyList<Space> ObservationSpaces => MlirSpaces.Observations;
    public IReadOnlyList<Space> RewardSpaces => MlirSpaces.Rewards;
    public Space ActionSpace => _space.Space;
    public Space? ObservationSpace => _observationSpace;
    public Space? RewardSpace => _rewardSpace;
    public string? Benchmark => _benchmark?.Uri;

    /// <summary>The actions of the episode's space, with their transform scripts and pipeline elements.</summary>
    public MlirActionSpace Actions => _space;

    public MlirBenchmark? CurrentBenchmark => _benchmark;

    public ResetResult Reset(string? benchmark = null, ResetOptions? options = null)
    {
        var clock = Stopwatch.StartNew();
        // Everything is resolved before the session changes, so a bad argument leaves it as it was.
        var target = benchmark is not null ? MlirBenchmark.Get(benchmark)
            : _benchmark ?? throw new InvalidOperationException("Reset needs a benchmark the first time");
        var space = options?.CustomActions is { Count: > 0 } || options?.ActionSpace is not null
            ? MlirActionSpace.Resolve(options.ActionSpace, options.CustomActions) : _space;
        var observationSpace = options?.ObservationSpace is { } o ? MlirSpaces.Observation(o) : _observationSpace;
        var rewardSpace = options?.RewardSpace is { } r ? MlirSpaces.Reward(r) : _rewardSpace;
        var module = Load(target.Text, target.Uri, space);
        if (LoopFeatures.Roots(module).Count == 0)
        {
            module.Dispose();
            throw new MlirException($"'{target.Uri}' has no linalg operation marked cgym.root (add {{cgym.root}} to the operation to optimize)");
        }

        _module?.Dispose();
        _module = module;
        _text = _startText = module.ToText();
        _benchmark = target;
        _space = space;
        _observationSpace = observationSpace;
        _rewardSpace = rewardSpace;
        _actions.Clear();
        _cache.Clear();
        _lastSpeedup.Clear();
        _episodeReward = 0;
        _episodeStart = Stopwatch.GetTimestamp();
        var observation = _observationSpace is null ? null : Observe(_observationSpace.Name);
        return new ResetResult(observation, new ResetInfo(target.Uri, _space.Space.Name, clock.Elapsed.TotalSeconds));
    }

    public StepResult Step(int action, StepOptions? options = null) => Step([action], options);

    /// <summary>
    /// Applies the actions in order. An action that does not apply throws an
    /// <see cref="InapplicableActionException"/> naming it, and the kernel stays as it was before
    /// the step; an action that applies but changes nothing is reported by <see cref="StepInfo.IrChanged"/>.
    /// </summary>
    public StepResult Step(IReadOnlyList<int> actions, StepOptions? options = null)
    {
        var module = Session();
        var clock = Stopwatch.StartNew();
        var chosen = actions.Select(id => _space[id]).ToList();
        var extraObservations = (options?.ObservationSpaces ?? []).Distinct().Select(MlirSpaces.Observation).ToList();
        var extraRewards = (options?.RewardSpaces ?? []).Distinct().Select(MlirSpaces.Reward).ToList();
        string before = _text;
        try
        {
            foreach (var action in chosen) Apply(module, action);
        }
        catch
        {
            // Whatever stopped the actions, the session goes back to its state before them.
            Restore(before);
            throw;
        }
        _actions.AddRange(chosen);
        _text = module.ToText();
        bool changed = _text != before;
        if (changed) _cache.Clear();
        // The loop features count the actions applied, so they change even when the module does not.
        else _cache.Remove(MlirSpaces.LoopFeatures);

        var observation = _observationSpace is null ? null : Observe(_observationSpace.Name);
        double? reward = _rewardSpace is null ? null : Reward(_rewardSpace.Name);
        if (reward is { } value) _episodeReward += value;
        var observations = extraObservations.ToDictionary(o => o.Name, o => Observe(o.Name));
        var rewards = extraRewards.ToDictionary(r => r.Name, r => r == _rewardSpace ? reward!.Value : Reward(r.Name));
        return new StepResult(observation, reward, Terminated: false, Truncated: false,
            new StepInfo(changed, observations, rewards, clock.Elapsed.TotalSeconds));
    }

    /// <summary>Applies actions by name.</summary>
    public StepResult Step(IEnumerable<string> actionNames, StepOptions? options = null) =>
        Step([.. actionNames.Select(n => _space[n].Id)], options);

    public Observation Observe(string observationSpace)
    {
        var module = Session();
        var space = MlirSpaces.Observation(observationSpace);
        if (_cache.TryGetValue(space.Name, out var cached)) return cached;
        var benchmark = _benchmark!;
        Observation value = space.Name switch
        {
            MlirSpaces.Mlir => new Observation.Text(_text),
            MlirSpaces.LoopFeatures => new Observation.Int64Vector(LoopFeatures.Compute(module, _actions)),
            MlirSpaces.ActionMask => new Observation.Int64Vector(ActionMask(module)),
            MlirSpaces.LlvmIr => new Observation.Text(Lowering.ToLlvmIr(module)),
            MlirSpaces.LlvmInstructionCount => new Observation.Int64Scalar(InstructionCount()),
            MlirSpaces.ObjectTextSizeBytes => new Observation.Int64Scalar(ObjectTextSize()),
            // The output does not depend on LLVM's optimization level (the baseline checks that), so a quick -O0 build gives it.
            MlirSpaces.OutputChecksum => new Observation.Text(_runs.Find(_text) is { } run ? run.Checksum
                : Harness.Run(Observe(MlirSpaces.LlvmIr).AsText(), benchmark.Signature, Harness.Unoptimized, TimeSpan.Zero, KernelTimeLimit).Checksum),
            MlirSpaces.Runtime => new Observation.Int64Scalar(CheckedRun().MedianNanoseconds),
            MlirSpaces.RuntimeUntransformed => new Observation.Int64Scalar(Baseline.For(benchmark, RuntimeBudget, KernelTimeLimit).Untransformed.MedianNanoseconds),
            MlirSpaces.RuntimeDefault => new Observation.Int64Scalar(Baseline.For(benchmark, RuntimeBudget, KernelTimeLimit).Default.MedianNanoseconds),
            _ => throw new InvalidOperationException(space.Name),
        };
        _cache[space.Name] = value;
        return value;
    }

    public ICompilerEnv Fork()
    {
        var module = Session();
        var fork = new MlirEnv(_observationSpace?.Name, _rewardSpace?.Name, RuntimeBudget, KernelTimeLimit)
        {
            _benchmark = _benchmark,
            _space = _space,
            _module = WithTransforms(module.Clone(), _space),
            _text = _text,
            _startText = _startText,
            _episodeReward = _episodeReward,
            _episodeStart = _episodeStart,
            _lastSpeedup = _lastSpeedup.Copy(),
            _runs = _runs,
        };
        fork._actions.AddRange(_actions);
        foreach (var (k, v) in _cache) fork._cache[k] = v;
        return fork;
    }

    public EnvState State
    {
        get
        {
            Session();
            return new EnvState(_benchmark!.Uri, _space.Space.Name, [.. _actions.Select(a => a.Name)], _rewardSpace?.Name,
                _rewardSpace is null ? null : _episodeReward, Stopwatch.GetElapsedTime(_episodeStart).TotalSeconds,
                _space.IsCustom ? [.. _space.Actions.Select(a => a.Name)] : null);
        }
    }

    /// <summary>The pass pipeline that applies the actions so far, as mlir-opt-22's --pass-pipeline takes it.</summary>
    public string Pipeline => PipelineOf(_actions);

    /// <summary>The mlir-opt-22 command that turns the benchmark's MLIR file into this state's MLIR text.</summary>
    public string Commandline()
    {
        Session();
        string pipeline = _actions.Count == 0 ? "builtin.module()" : Pipeline;
        return $"{MlirOpt} --pass-pipeline={LlvmTools.ShellQuote(pipeline)} {LlvmTools.ShellQuote(BenchmarkFile())} -o output.mlir";
    }

    /// <summary>
    /// Replays a state: every action must apply, and the replayed kernel's output must equal the
    /// untransformed kernel's. Rewards are wall-clock measurements, so they are not compared.
    /// </summary>
    public ValidationResult Validate(EnvState? state = null)
    {
        state ??= State;
        var clock = Stopwatch.StartNew();
        var errors = new List<string>();
        try
        {
            using var replay = new MlirEnv(runtimeBudget: TimeSpan.Zero, kernelTimeLimit: KernelTimeLimit);
            replay.Reset(state.Benchmark, new ResetOptions(state.ActionSpace, CustomActions: state.CustomActions));
            foreach (string action in state.Actions) replay.Step([action]);
            replay.CheckedRun();
        }
        catch (Exception e) when (e is ArgumentException or MlirException or InvalidOperationException or FormatException
            or TimeoutException or IOException)
        {
            errors.Add(e.Message);
        }
        return new ValidationResult(state, errors.Count == 0, errors, null, clock.Elapsed.TotalSeconds);
    }

    public void Dispose()
    {
        _module?.Dispose();
        _module = null;
    }

    private string PipelineOf(IEnumerable<MlirAction> actions)
    {
        var list = actions.ToList();
        string preload = list.Any(a => a.Script is not null)
            ? $"transform-preload-library{{transform-library-paths={_space.TransformLibraryPath}}}," : "";
        return $"builtin.module({preload}{string.Join(",", list.Select(a => a.PipelineElement))})";
    }

    /// <summary>
    /// A module whose context holds the space's transform library. The library is loaded once per
    /// context (loading it again is an error: its sequences would be defined twice), so in process a
    /// step runs its actions' pipeline elements alone.
    /// </summary>
    private static MlirModule Load(string text, string name, MlirActionSpace space) => WithTransforms(MlirModule.Parse(text, name), space);

    private static MlirModule WithTransforms(MlirModule module, MlirActionSpace space)
    {
        module.RunPipeline($"builtin.module(transform-preload-library{{transform-library-paths={space.TransformLibraryPath}}})");
        return module;
    }

    private static void Apply(MlirModule module, MlirAction action)
    {
        CheckRequirement(module, action);
        try
        {
            module.RunPipeline($"builtin.module({action.PipelineElement})");
        }
        catch (MlirException e)
        {
            throw new InapplicableActionException($"action '{action.Name}' does not apply to this kernel:\n{e.Message}");
        }
    }

    /// <summary>Checks what MLIR would otherwise report obscurely, or not at all (a transformation of no operation succeeds silently).</summary>
    private static void CheckRequirement(MlirModule module, MlirAction action)
    {
        if (action.Script is not null && WhyInapplicable(LoopFeatures.Roots(module), action) is { } why)
            throw new InapplicableActionException($"action '{action.Name}' does not apply to this kernel: {why}");
    }

    /// <summary>Why an action cannot apply to root operations like these, or null when it may (MLIR can still refuse it).</summary>
    private static string? WhyInapplicable(IReadOnlyList<LoopFeatures.RootOp> roots, MlirAction action)
    {
        if (action.Script is null) return null;
        if (roots.Count == 0) return "no linalg operation marked cgym.root is left (vectorization replaces it with vector operations)";
        var requirement = action.Requirement;
        if (roots.Any(r => r.Loops < requirement.MinLoops))
            return $"it needs {requirement.MinLoops} loops, and the root operation has {roots.Min(r => r.Loops)}";
        if (requirement.ParallelLoops?.FirstOrDefault(loop => roots.Any(r => !r.IsParallel(loop)), -1) is int loop and >= 0)
            return $"loop d{loop} of the root operation is a reduction (its tiles, run in parallel, would race on the output)";
        if (requirement.EnclosingLoop && roots.Any(r => r.EnclosingForLoops == 0))
            return "the root operation is not inside a loop (tile it first)";
        if (requirement.StaticSmallIterationSpace && roots.FirstOrDefault(r => !r.StaticShape || r.IterationPoints > MlirActionSpace.MaxVectorizedPoints) is { } big)
            return big.StaticShape
                ? $"the root operation has {big.IterationPoints} iteration points, more than {MlirActionSpace.MaxVectorizedPoints} (tile it first)"
                : "the root operation's loop ranges are not static (choose tile sizes that divide them)";
        return null;
    }

    /// <summary>1 for each action of the space that may apply in this state, 0 for those its requirements rule out.</summary>
    private long[] ActionMask(MlirModule module)
    {
        var roots = LoopFeatures.Roots(module);
        return [.. _space.Actions.Select(a => WhyInapplicable(roots, a) is null ? 1L : 0L)];
    }

    private void Restore(string text)
    {
        // Parsed first, so that a failure here still leaves the session a module.
        var restored = Load(text, _benchmark!.Uri, _space);
        _module?.Dispose();
        _module = restored;
    }

    private long InstructionCount()
    {
        using var module = LlvmModule.ParseIr(Observe(MlirSpaces.LlvmIr).AsText(), _benchmark!.Uri);
        return InstCount.InstructionCount(module);
    }

    private long ObjectTextSize()
    {
        using var module = LlvmModule.ParseIr(Observe(MlirSpaces.LlvmIr).AsText(), _benchmark!.Uri);
        using var machine = new TargetMachine();
        machine.RunPasses(module, "default<O3>");
        return machine.TextSizeBytes(module);
    }

    /// <summary>Builds and times the current kernel (once per kernel text in this env and its forks: see <see cref="RunMemo"/>).</summary>
    private RunResult Run()
    {
        // The untransformed kernel at -O3 is the default lowering: one measurement serves both, so that
        // a schedule no better than the start has a speed-up of exactly 1.
        return _runs.GetOrRun(_text, () => _text == _startText
            ? Baseline.For(_benchmark!, RuntimeBudget, KernelTimeLimit).Default
            : Harness.Run(Observe(MlirSpaces.LlvmIr).AsText(), _benchmark!.Signature, Harness.Optimized, RuntimeBudget, KernelTimeLimit));
    }

    /// <summary>Runs the kernel and checks its output against the untransformed kernel's.</summary>
    private RunResult CheckedRun()
    {
        var result = Run();
        var reference = Baseline.For(_benchmark!, RuntimeBudget, KernelTimeLimit).Untransformed;
        if (result.Checksum != reference.Checksum)
            throw new MlirException($"the transformed kernel computes a different output: checksum {result.Checksum}, untransformed {reference.Checksum} (actions: {string.Join(", ", _actions.Select(a => a.Name))})");
        return result;
    }

    /// <summary>The speed-up gained since the previous step; an episode starts from the default lowering's speed-up.</summary>
    private double Reward(string name)
    {
        double baseline = Observe(MlirSpaces.BaselineOf(name)).AsDouble();
        double speedup = baseline / Math.Max(Observe(MlirSpaces.Runtime).AsDouble(), 1);
        double start = baseline / Math.Max(Observe(MlirSpaces.RuntimeDefault).AsDouble(), 1);
        double previous = _lastSpeedup.Replace(name, speedup, start);
        return name == MlirSpaces.LogSpeedup ? Math.Log(speedup / previous) : speedup - previous;
    }

    private string BenchmarkFile() => _benchmark!.Uri.StartsWith("file://", StringComparison.Ordinal)
        ? _benchmark.Uri["file://".Length..]
        : Cache.GetOrCreate(Path.Combine("mlir", "benchmarks", Cache.Hash(_benchmark.Text) + ".mlir"), path => File.WriteAllText(path, _benchmark.Text));

    private MlirModule Session() => _module ?? throw new InvalidOperationException("the environment has no episode: call Reset(benchmark) first");
}
