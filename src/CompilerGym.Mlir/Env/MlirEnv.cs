using System.Diagnostics;
using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Datasets;
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
/// (benchmark, actions), and <see cref="Commandline"/> reproduces it with mlir-opt-22.
/// </summary>
public sealed class MlirEnv : ICompilerEnv
{
    public const string MlirOpt = "mlir-opt-22";

    private readonly Dictionary<string, Observation> _cache = [];
    private readonly Dictionary<string, double> _lastSpeedup = [];
    private readonly List<MlirAction> _actions = [];
    private readonly MlirActionSpace _space = MlirActionSpace.Instance;
    private Space? _observationSpace;
    private Space? _rewardSpace;
    private MlirBenchmark? _benchmark;
    private MlirModule? _module;
    private string _text = "";
    private double _episodeReward;
    private long _episodeStart;
    // The last build and run of the kernel, and the text it was made from.
    private RunResult? _run;
    private string? _runText;

    /// <param name="runtimeBudget">Wall-clock time spent timing one runtime observation (at least 3 calls are timed).</param>
    public MlirEnv(string? observationSpace = null, string? rewardSpace = null, TimeSpan? runtimeBudget = null)
    {
        _observationSpace = observationSpace is null ? null : MlirSpaces.Observation(observationSpace);
        _rewardSpace = rewardSpace is null ? null : MlirSpaces.Reward(rewardSpace);
        RuntimeBudget = runtimeBudget ?? TimeSpan.FromMilliseconds(500);
    }

    public TimeSpan RuntimeBudget { get; }

    public IReadOnlyList<Space> ActionSpaces => [_space.Space];
    public IReadOnlyList<Space> ObservationSpaces => MlirSpaces.Observations;
    public IReadOnlyList<Space> RewardSpaces => MlirSpaces.Rewards;
    public Space ActionSpace => _space.Space;
    public Space? ObservationSpace => _observationSpace;
    public Space? RewardSpace => _rewardSpace;
    public string? Benchmark => _benchmark?.Uri;

    /// <summary>The actions, with their transform scripts and pipeline elements.</summary>
    public MlirActionSpace Actions => _space;

    public MlirBenchmark? CurrentBenchmark => _benchmark;

    public ResetResult Reset(string? benchmark = null, ResetOptions? options = null)
    {
        var clock = Stopwatch.StartNew();
        var target = benchmark is not null ? MlirBenchmark.Get(benchmark)
            : _benchmark ?? throw new InvalidOperationException("Reset needs a benchmark the first time");
        if (options?.CustomActions is { Count: > 0 })
            throw new ArgumentException($"{MlirActionSpace.Name} has no custom actions");
        if (options?.ActionSpace is { } name && name != MlirActionSpace.Name)
            throw new UnknownNameException($"unknown action space '{name}' (known: {MlirActionSpace.Name})");
        var observationSpace = options?.ObservationSpace is { } o ? MlirSpaces.Observation(o) : _observationSpace;
        var rewardSpace = options?.RewardSpace is { } r ? MlirSpaces.Reward(r) : _rewardSpace;
        var module = Load(target.Text, target.Uri);
        if (LoopFeatures.Roots(module).Count == 0)
        {
            module.Dispose();
            throw new MlirException($"'{target.Uri}' has no linalg operation marked cgym.root (add {{cgym.root}} to the operation to optimize)");
        }

        _module?.Dispose();
        _module = module;
        _text = module.ToText();
        _benchmark = target;
        _observationSpace = observationSpace;
        _rewardSpace = rewardSpace;
        _actions.Clear();
        _cache.Clear();
        _lastSpeedup.Clear();
        _episodeReward = 0;
        _episodeStart = Stopwatch.GetTimestamp();
        var observation = _observationSpace is null ? null : Observe(_observationSpace.Name);
        return new ResetResult(observation, new ResetInfo(target.Uri, MlirActionSpace.Name, clock.Elapsed.TotalSeconds));
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
            MlirSpaces.LlvmIr => new Observation.Text(Lowering.ToLlvmIr(module)),
            MlirSpaces.LlvmInstructionCount => new Observation.Int64Scalar(InstructionCount()),
            MlirSpaces.ObjectTextSizeBytes => new Observation.Int64Scalar(ObjectTextSize()),
            // The output does not depend on LLVM's optimization level (the baseline checks that), so a quick -O0 build gives it.
            MlirSpaces.OutputChecksum => new Observation.Text(_run is not null && _runText == _text ? _run.Checksum
                : Harness.Run(Observe(MlirSpaces.LlvmIr).AsText(), benchmark.Signature, Harness.Unoptimized, TimeSpan.Zero).Checksum),
            MlirSpaces.Runtime => new Observation.Int64Scalar(CheckedRun().MedianNanoseconds),
            MlirSpaces.RuntimeUntransformed => new Observation.Int64Scalar(Baseline.For(benchmark, RuntimeBudget).Untransformed.MedianNanoseconds),
            MlirSpaces.RuntimeDefault => new Observation.Int64Scalar(Baseline.For(benchmark, RuntimeBudget).Default.MedianNanoseconds),
            _ => throw new InvalidOperationException(space.Name),
        };
        _cache[space.Name] = value;
        return value;
    }

    public ICompilerEnv Fork()
    {
        var module = Session();
        var fork = new MlirEnv(_observationSpace?.Name, _rewardSpace?.Name, RuntimeBudget)
        {
            _benchmark = _benchmark,
            _module = WithTransforms(module.Clone()),
            _text = _text,
            _episodeReward = _episodeReward,
            _episodeStart = _episodeStart,
        };
        fork._actions.AddRange(_actions);
        foreach (var (k, v) in _cache) fork._cache[k] = v;
        foreach (var (k, v) in _lastSpeedup) fork._lastSpeedup[k] = v;
        return fork;
    }

    public EnvState State
    {
        get
        {
            Session();
            return new EnvState(_benchmark!.Uri, MlirActionSpace.Name, [.. _actions.Select(a => a.Name)], _rewardSpace?.Name,
                _rewardSpace is null ? null : _episodeReward, Stopwatch.GetElapsedTime(_episodeStart).TotalSeconds);
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
            using var replay = new MlirEnv(runtimeBudget: TimeSpan.Zero);
            replay.Reset(state.Benchmark, new ResetOptions(state.ActionSpace));
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

    /// <summary>The transform library file every transformation's pipeline loads (written once, named by content).</summary>
    public static string TransformLibraryPath { get; } = Cache.GetOrCreate(
        Path.Combine("mlir", $"transforms-{Cache.Hash(MlirActionSpace.Instance.TransformLibrary)}.mlir"),
        path => File.WriteAllText(path, MlirActionSpace.Instance.TransformLibrary));

    private static string PipelineOf(IEnumerable<MlirAction> actions)
    {
        var list = actions.ToList();
        string preload = list.Any(a => a.Script is not null)
            ? $"transform-preload-library{{transform-library-paths={TransformLibraryPath}}}," : "";
        return $"builtin.module({preload}{string.Join(",", list.Select(a => a.PipelineElement))})";
    }

    /// <summary>
    /// A module whose context holds the transform library. The library is loaded once per context
    /// (loading it again is an error: its sequences would be defined twice), so in process a step
    /// runs its actions' pipeline elements alone.
    /// </summary>
    private static MlirModule Load(string text, string name) => WithTransforms(MlirModule.Parse(text, name));

    private static MlirModule WithTransforms(MlirModule module)
    {
        module.RunPipeline($"builtin.module(transform-preload-library{{transform-library-paths={TransformLibraryPath}}})");
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
        if (action.Script is null) return;
        var roots = LoopFeatures.Roots(module);
        string Fail(string why) => throw new InapplicableActionException($"action '{action.Name}' does not apply to this kernel: {why}");
        if (roots.Count == 0) Fail("no linalg operation marked cgym.root is left (vectorization replaces it with vector operations)");
        var requirement = action.Requirement;
        if (roots.Any(r => r.Loops < requirement.MinLoops))
            Fail($"it needs {requirement.MinLoops} loops, and the root operation has {roots.Min(r => r.Loops)}");
        if (requirement.ParallelLoop is { } loop && roots.Any(r => !r.IsParallel(loop)))
            Fail($"loop d{loop} of the root operation is a reduction (its tiles, run in parallel, would race on the output)");
        if (requirement.EnclosingLoop && roots.Any(r => r.EnclosingForLoops == 0))
            Fail("the root operation is not inside a loop (tile it first)");
        if (requirement.StaticSmallIterationSpace && roots.FirstOrDefault(r => !r.StaticShape || r.IterationPoints > MlirActionSpace.MaxVectorizedPoints) is { } big)
            Fail(big.StaticShape
                ? $"the root operation has {big.IterationPoints} iteration points, more than {MlirActionSpace.MaxVectorizedPoints} (tile it first)"
                : "the root operation's loop ranges are not static (choose tile sizes that divide them)");
    }

    private void Restore(string text)
    {
        // Parsed first, so that a failure here still leaves the session a module.
        var restored = Load(text, _benchmark!.Uri);
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

    /// <summary>Builds and times the current kernel (once per state).</summary>
    private RunResult Run()
    {
        if (_run is null || _runText != _text)
        {
            _run = Harness.Run(Observe(MlirSpaces.LlvmIr).AsText(), _benchmark!.Signature, Harness.Optimized, RuntimeBudget);
            _runText = _text;
        }
        return _run;
    }

    /// <summary>Runs the kernel and checks its output against the untransformed kernel's.</summary>
    private RunResult CheckedRun()
    {
        var result = Run();
        var reference = Baseline.For(_benchmark!, RuntimeBudget).Untransformed;
        if (result.Checksum != reference.Checksum)
            throw new MlirException($"the transformed kernel computes a different output: checksum {result.Checksum}, untransformed {reference.Checksum} (actions: {string.Join(", ", _actions.Select(a => a.Name))})");
        return result;
    }

    private double Reward(string name)
    {
        double baseline = Observe(MlirSpaces.BaselineOf(name)).AsDouble();
        double now = Observe(MlirSpaces.Runtime).AsDouble();
        double speedup = baseline / Math.Max(now, 1);
        double previous = _lastSpeedup.GetValueOrDefault(name, baseline / Math.Max(Observe(MlirSpaces.RuntimeDefault).AsDouble(), 1));
        _lastSpeedup[name] = speedup;
        return speedup - previous;
    }

    private string BenchmarkFile() => _benchmark!.Uri.StartsWith("file://", StringComparison.Ordinal)
        ? _benchmark.Uri["file://".Length..]
        : Cache.GetOrCreate(Path.Combine("mlir", "benchmarks", Cache.Hash(_benchmark.Text) + ".mlir"), path => File.WriteAllText(path, _benchmark.Text));

    private MlirModule Session() => _module ?? throw new InvalidOperationException("the environment has no episode: call Reset(benchmark) first");
}
