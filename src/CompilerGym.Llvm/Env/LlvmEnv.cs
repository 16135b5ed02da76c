using System.Diagnostics;
using CompilerGym.Core.Envs;
using CompilerGym.Core.Rewards;
using CompilerGym.Core.Spaces;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Llvm.Execution;
using CompilerGym.Llvm.Interop;
using CompilerGym.Llvm.Observations;
using CompilerGym.Llvm.Rewards;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Llvm.Env;

/// <summary>
/// The LLVM 22 pass-ordering environment, in process: each step runs one action's pipeline on the
/// session's module with the new pass manager. Observations are computed on request and cached
/// until a pass changes the module (so is the program built from it, for the observations that
/// run it); rewards are cost differences (see <see cref="LlvmRewards"/>).
/// </summary>
public sealed class LlvmEnv : ICompilerEnv
{
    private readonly BenchmarkStore _store;
    private readonly RuntimeOptions _runtime;
    private readonly Dictionary<string, Observation> _cache = [];
    private PreviousMeasurements _lastCost = new();
    private readonly List<LlvmAction> _actions = [];
    private LlvmActionSpace _actionSpace;
    private LlvmObservation? _observationSpace;
    private LlvmRewards.Definition? _rewardSpace;
    private LlvmBenchmark? _benchmark;
    private LlvmModule? _module;
    private TargetMachine? _machine;
    private ObservationSource? _source;
    private double _episodeReward;
    private long _episodeStart;

    /// <param name="runtime">How the Runtime and Cycles observations measure (warm-up and measured runs).</param>
    public LlvmEnv(BenchmarkStore? store = null, string actionSpace = LlvmActionSpace.Passes,
        string? observationSpace = null, string? rewardSpace = null, RuntimeOptions? runtime = null)
    {
        _store = store ?? BenchmarkStore.Default;
        _runtime = runtime ?? RuntimeOptions.Default;
        ObservationSpaces = LlvmObservations.SpacesFor(_runtime);
        _actionSpace = LlvmActionSpace.Get(actionSpace);
        _observationSpace = observationSpace is null ? null : LlvmObservations.Get(observationSpace);
        _rewardSpace = rewardSpace is null ? null : LlvmRewards.Get(rewardSpace);
    }

    public IReadOnlyList<Space> ActionSpaces { get; } = [.. LlvmActionSpace.All.Select(s => s.Space)];
    public IReadOnlyList<Space> ObservationSpaces { get; }
    public IReadOnlyList<Space> RewardSpaces { get; } = [.. LlvmRewards.All.Select(r => r.Reward.Space)];

    public Space ActionSpace => _actionSpace.Space;
    public Space? ObservationSpace => _observationSpace?.Space;
    public Space? RewardSpace => _rewardSpace?.Reward.Space;
    public string? Benchmark => _benchmark?.Uri;

    /// <summary>The actions of the current action space, with their pipelines.</summary>
    public LlvmActionSpace Actions => _actionSpace;

    /// <summary>The benchmark of the current episode (bitcode, baselines).</summary>
    public LlvmBenchmark? CurrentBenchmark => _benchmark;

    public ResetResult Reset(string? benchmark = null, ResetOptions? options = null)
    {
        var clock = Stopwatch.StartNew();
        // Resolve everything before touching the session, so a bad argument leaves it as it was.
        var target = benchmark is not null ? _store.Get(benchmark)
            : _benchmark ?? throw new InvalidOperationException("Reset needs a benchmark the first time");
        var actionSpace = options?.CustomActions is { Count: > 0 } || options?.ActionSpace is not null
            ? ResolveActionSpace(options.ActionSpace, options.CustomActions) : _actionSpace;
        var observationSpace = options?.ObservationSpace is { } o ? LlvmObservations.Get(o) : _observationSpace;
        var rewardSpace = options?.RewardSpace is { } r ? LlvmRewards.Get(r) : _rewardSpace;
        var module = target.Load();

        ForgetState();
        _module?.Dispose();
        _module = module;
        if (_machine is null || _machine.Triple != target.TargetTriple)
        {
            _machine?.Dispose();
            _machine = new TargetMachine(target.TargetTriple);
        }
        _benchmark = target;
        _actionSpace = actionSpace;
        _observationSpace = observationSpace;
        _rewardSpace = rewardSpace;
        _actions.Clear();
        _lastCost.Clear();
        _episodeReward = 0;
        _episodeStart = Stopwatch.GetTimestamp();

        var observation = _observationSpace is null ? null : Observe(_observationSpace);
        return new ResetResult(observation, new ResetInfo(target.Uri, _actionSpace.Name, clock.Elapsed.TotalSeconds));
    }

    public StepResult Step(int action, StepOptions? options = null) => Step([action], options);

    public StepResult Step(IReadOnlyList<int> actions, StepOptions? options = null)
    {
        var (module, machine, _) = Session();
        var clock = Stopwatch.StartNew();
        // Every name is resolved before the passes run, so a bad request changes nothing.
        var chosen = actions.Select(id => _actionSpace[id]).ToList();
        var extraObservations = (options?.ObservationSpaces ?? []).Distinct().Select(LlvmObservations.Get).ToList();
        var extraRewards = (options?.RewardSpaces ?? []).Distinct().Select(LlvmRewards.Get).ToList();
        bool changed = false;
        if (chosen.Count > 0)
        {
            // Several actions run as one pipeline: one call into LLVM, the same result as one by one.
            string pipeline = LlvmActionSpace.PipelineOf(chosen);
            using (Diagnostics.Operation($"applying action(s) {string.Join(", ", chosen.Select(a => a.Name))} of {_actionSpace.Name}"))
                changed = machine.RunPasses(module, pipeline);
            _actions.AddRange(chosen);
        }
        if (changed) ForgetState();

        var observation = _observationSpace is null ? null : Observe(_observationSpace);
        double? reward = _rewardSpace is null ? null : Reward(_rewardSpace);
        if (reward is { } value) _episodeReward += value;
        var observations = extraObservations.ToDictionary(o => o.Space.Name, Observe);
        // The chosen reward space was computed above; computing it again would give 0.
        var rewards = extraRewards.ToDictionary(r => r.Reward.Name, r => r == _rewardSpace ? reward!.Value : Reward(r));
        return new StepResult(observation, reward, Terminated: false, Truncated: false,
            new StepInfo(changed, observations, rewards, clock.Elapsed.TotalSeconds));
    }

    /// <summary>Applies actions by name (a convenience for scripts and the command line).</summary>
    public StepResult Step(IEnumerable<string> actionNames, StepOptions? options = null) =>
        Step([.. actionNames.Select(n => _actionSpace[n].Id)], options);

    public Observation Observe(string observationSpace) => Observe(LlvmObservations.Get(observationSpace));

    public ICompilerEnv Fork()
    {
        var (module, _, benchmark) = Session();
        var fork = new LlvmEnv(_store, runtime: _runtime)
        {
            _actionSpace = _actionSpace,
            _observationSpace = _observationSpace,
            _rewardSpace = _rewardSpace,
            _benchmark = benchmark,
            _module = module.Fork(),
            _machine = new TargetMachine(benchmark.TargetTriple),
            _episodeReward = _episodeReward,
            _episodeStart = _episodeStart,
            _lastCost = _lastCost.Copy(),
        };
        fork._actions.AddRange(_actions);
        foreach (var (k, v) in _cache) fork._cache[k] = v;
        return fork;
    }

    public EnvState State
    {
        get
        {
            var (_, _, benchmark) = Session();
            return new EnvState(benchmark.Uri, _actionSpace.Name, [.. _actions.Select(a => a.Name)],
                _rewardSpace?.Reward.Name, _rewardSpace is null ? null : _episodeReward,
                Stopwatch.GetElapsedTime(_episodeStart).TotalSeconds,
                _actionSpace.IsCustom ? [.. _actionSpace.Actions.Select(a => a.Pipeline)] : null);
        }
    }

    /// <summary>The opt-22 pipeline text equivalent to the actions taken so far.</summary>
    public string Pipeline => LlvmActionSpace.PipelineOf(_actions);

    public string Commandline()
    {
        var (_, _, benchmark) = Session();
        return LlvmTools.OptCommand(Pipeline, benchmark.FileNamesTarget ? null : benchmark.TargetTriple, LlvmTools.ShellQuote(benchmark.BitcodePath), "output.bc");
    }

    public ValidationResult Validate(EnvState? state = null)
    {
        state ??= State;
        var clock = Stopwatch.StartNew();
        var errors = new List<string>();
        double? replayed = null;
        try
        {
            using var replay = new LlvmEnv(_store, rewardSpace: state.RewardSpace, runtime: _runtime);
            replay.Reset(state.Benchmark, new ResetOptions(state.ActionSpace, CustomActions: state.CustomActions));
            var ids = state.Actions.Select(n => replay._actionSpace[n].Id).ToList();
            foreach (int id in ids) replay.Step(id);
            replayed = state.RewardSpace is null ? null : replay._episodeReward;
            // A measured reward (run time) cannot repeat exactly, and a state that claims no reward
            // claims only its actions: the replay and the run check the rest.
            if (state.Reward is not null && replay._rewardSpace is { Reward.Deterministic: true } && !RewardsMatch(state.Reward, replayed))
                errors.Add($"reward {state.Reward} does not reproduce: replaying the actions gives {replayed}");
            if (replay.OutputDifference() is { } difference)
                errors.Add($"the program built after the actions [{string.Join(", ", state.Actions)}] does not behave as the unoptimized one: {difference}");
        }
        catch (Exception e) when (e is ArgumentException or LlvmException or InvalidOperationException or IOException
            or TimeoutException or System.ComponentModel.Win32Exception)
        {
            errors.Add(e.Message);
        }
        return new ValidationResult(state, errors.Count == 0, errors, replayed, clock.Elapsed.TotalSeconds);
    }

    public void Dispose()
    {
        ForgetState();
        _module?.Dispose();
        _machine?.Dispose();
        _module = null;
        _machine = null;
    }

    private static LlvmActionSpace ResolveActionSpace(string? name, IReadOnlyList<string>? customActions)
    {
        var space = LlvmActionSpace.Resolve(name, customActions);
        if (space.IsCustom)
        {
            using var machine = new TargetMachine();
            foreach (var action in space.Actions) machine.CheckPipeline(action.Pipeline);
        }
        return space;
    }

    /// <summary>
    /// Differential testing, for a runnable benchmark: builds the current state's program once,
    /// runs it on its main run spec and its second one (if any), and compares what each run
    /// computed (exit, stdout, output files) with the unoptimized build's run on the same inputs.
    /// Null when they agree or the benchmark cannot be run.
    /// </summary>
    private string? OutputDifference()
    {
        var (module, machine, benchmark) = Session();
        if (benchmark.RunSpec is not { } spec || !benchmark.IsRunnable) return null;
        using var executable = Executable.Build(module, machine, spec, benchmark.ProgramName);
        string? main = executable.Run().DifferenceFrom(benchmark.Reference);
        if (benchmark.SecondRunSpec is not { } second) return main;
        string? other = executable.Run(second).DifferenceFrom(benchmark.SecondReference!);
        var differences = new List<string>();
        if (main is not null) differences.Add($"on the main input, {main}");
        if (other is not null) differences.Add($"on the second input, {other}");
        return differences.Count == 0 ? null : string.Join("; ", differences);
    }

    private static bool RewardsMatch(double? expected, double? actual) =>
        expected is { } e && actual is { } a && Math.Abs(e - a) <= 1e-9 * Math.Max(1, Math.Abs(e));

    private Observation Observe(LlvmObservation observation)
    {
        var (module, machine, benchmark) = Session();
        string name = observation.Space.Name;
        if (_cache.TryGetValue(name, out var cached)) return cached;
        _source ??= new ObservationSource(module, benchmark, machine, _runtime);
        var value = observation.Compute(_source);
        _cache[name] = value;
        return value;
    }

    /// <summary>Drops what was computed from the current IR: cached observations and the program built from it.</summary>
    private void ForgetState()
    {
        _cache.Clear();
        _source?.Dispose();
        _source = null;
    }

    private double Reward(LlvmRewards.Definition definition)
    {
        var reward = definition.Reward;
        double initial = Observe(definition.InitialCostSpace).AsDouble();
        double baseline = reward.BaselineSpace is null ? 0 : Observe(reward.BaselineSpace).AsDouble();
        double now = definition.Cost(Observe(reward.CostSpace));
        return reward.Reward(_lastCost.Replace(reward.Name, now, initial), now, reward.Divisor(initial, baseline));
    }

    private (LlvmModule, TargetMachine, LlvmBenchmark) Session() =>
        _module is not null && _machine is not null && _benchmark is not null
            ? (_module, _machine, _benchmark)
            : throw new InvalidOperationException("the environment has no episode: call Reset(benchmark) first");
}
