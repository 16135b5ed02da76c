using System.Diagnostics;
using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;

namespace CompilerGym.Cli.Tests.ToyEnvironment;

/// <summary>
/// A third environment, small enough to read at once: a "program" is a number
/// (<c>benchmark://toy-v0/N</c>), actions change it, and its cost is the number itself. Its
/// <c>gamble</c> subtracts 5 in an episode but nothing in a replay, as a pass that is not
/// deterministic would: what the tuner does with a result that does not reproduce.
/// </summary>
public sealed class ToyEnv(string? observationSpace = null, string? rewardSpace = null, bool replaying = false) : ICompilerEnv
{
    public const string Value = "Value";
    public const string ValueStart = "ValueStart";

    public static readonly Space Actions = Space.Discrete("toy-actions", ["inc", "dec", "halve", "gamble"],
        "Add one, subtract one, halve (rounding up), subtract 5 except in a replay");
    public static readonly IReadOnlyList<Space> Observations =
    [
        new(Value, SpaceKind.Int64Scalar, [], null, null, true, false, "The number now"),
        new(ValueStart, SpaceKind.Int64Scalar, [], null, null, true, false, "The number at reset"),
    ];
    public static readonly IReadOnlyList<Space> Rewards = [new(Value, SpaceKind.Float64Scalar, [], null, null, true, false, "How much the number fell")];

    private readonly List<string> _actions = [];
    private long _start, _value;
    private string? _observationSpace = observationSpace, _rewardSpace = rewardSpace;

    public IReadOnlyList<Space> ActionSpaces => [Actions];
    public IReadOnlyList<Space> ObservationSpaces => Observations;
    public IReadOnlyList<Space> RewardSpaces => Rewards;
    public Space ActionSpace => Actions;
    public Space? ObservationSpace => _observationSpace is null ? null : Observations.Single(s => s.Name == _observationSpace);
    public Space? RewardSpace => _rewardSpace is null ? null : Rewards.Single(s => s.Name == _rewardSpace);
    public string? Benchmark { get; private set; }

    public static long StartOf(string benchmark) =>
        benchmark.StartsWith("benchmark://toy-v0/", StringComparison.Ordinal) && long.TryParse(benchmark["benchmark://toy-v0/".Length..], out long n) && n >= 0
            ? n : throw new Core.Benchmarks.UnknownBenchmarkException($"'{benchmark}' is not a toy-v0 benchmark (benchmark://toy-v0/N)");

    public ResetResult Reset(string? benchmark = null, ResetOptions? options = null)
    {
        string target = benchmark ?? Benchmark ?? throw new InvalidOperationException("Reset needs a benchmark the first time");
        _start = _value = StartOf(target);
        Benchmark = target;
        _actions.Clear();
        if (options?.ObservationSpace is { } o) _observationSpace = Observations.Single(s => s.Name == o).Name;
        if (options?.RewardSpace is { } r) _rewardSpace = Rewards.Single(s => s.Name == r).Name;
        return new ResetResult(_observationSpace is null ? null : Observe(_observationSpace), new ResetInfo(target, Actions.Name, 0));
    }

    public StepResult Step(int action, StepOptions? options = null) => Step([action], options);

    public StepResult Step(IReadOnlyList<int> actions, StepOptions? options = null)
    {
        var clock = Stopwatch.StartNew();
        long before = _value;
        foreach (int a in actions)
        {
            _value = Actions.Names![a] switch
            {
                "inc" => _value + 1,
                "dec" => Math.Max(0, _value - 1),
                "halve" => (_value + 1) / 2,
                _ => replaying ? _value : Math.Max(0, _value - 5),
            };
            _actions.Add(Actions.Names[a]);
        }
        var observations = (options?.ObservationSpaces ?? []).ToDictionary(n => n, Observe);
        var rewards = (options?.RewardSpaces ?? []).ToDictionary(n => n, _ => (double)(before - _value));
        return new StepResult(_observationSpace is null ? null : Observe(_observationSpace), _rewardSpace is null ? null : before - _value, false, false,
            new StepInfo(_value != before, observations, rewards, clock.Elapsed.TotalSeconds));
    }

    public Observation Observe(string observationSpace) => observationSpace switch
    {
        Value => new Observation.Int64Scalar(_value),
        ValueStart => new Observation.Int64Scalar(_start),
        _ => throw new UnknownNameException($"unknown observation space '{observationSpace}'"),
    };

    public ICompilerEnv Fork()
    {
        var fork = new ToyEnv(_observationSpace, _rewardSpace, replaying) { Benchmark = Benchmark, _start = _start, _value = _value };
        fork._actions.AddRange(_actions);
        return fork;
    }

    public EnvState State => new(Benchmark ?? "", Actions.Name, [.. _actions], _rewardSpace, _rewardSpace is null ? null : _start - _value, 0);

    public string Commandline() => $"echo {_value}";

    public ValidationResult Validate(EnvState? state = null)
    {
        state ??= State;
        using var replay = new ToyEnv(replaying: true);
        replay.Reset(state.Benchmark);
        replay.Step([.. state.Actions.Select(Actions.IndexOf)]);
        double reward = replay._start - replay._value;
        bool ok = state.Reward is not { } claimed || claimed == reward;
        return new ValidationResult(state, ok, ok ? [] : [$"reward {state.Reward} does not reproduce: {reward}"], reward, 0);
    }

    public void Dispose() { }
}
