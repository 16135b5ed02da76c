using System.Diagnostics;
using CompilerGym.Agents.Policies;
using CompilerGym.Core.Envs;

namespace CompilerGym.Agents.Search;

/// <summary>
/// What every search shares: the budget, the steps tried, the best sequence so far, progress
/// reports, the actions to try (all, or a policy's choice) and trial forks.
/// </summary>
internal sealed class SearchRun : IDisposable
{
    private readonly ICompilerEnv _env;
    private readonly SearchOptions _options;
    private readonly IActionPolicy? _policy;
    private readonly Action<SearchProgress>? _progress;
    private readonly StepOptions _withCost;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private IReadOnlyList<SearchStep> _bestSteps = [];
    // A fork whose last step changed nothing is still in its parent's state, so the next trial on
    // that parent reuses it instead of forking again (most passes change nothing in a given state).
    private (ICompilerEnv Parent, ICompilerEnv Fork)? _spare;
    private readonly Dictionary<int, TimeSpan> _actionTimes = [];
    private TimeSpan _trialTime;

    public SearchRun(ICompilerEnv env, SearchOptions options, IActionPolicy? policy, Action<SearchProgress>? progress)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxEpisodeLength, 1, nameof(options.MaxEpisodeLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PolicyTopK, 1, nameof(options.PolicyTopK));
        if (policy is not null && policy.ActionSpace != env.ActionSpace.Name)
            throw new ArgumentException($"the policy is for action space '{policy.ActionSpace}', the env uses '{env.ActionSpace.Name}'");
        _env = env;
        _options = options;
        _policy = policy;
        _progress = progress;
        _withCost = new StepOptions([options.CostObservation]);
        InitialCost = BestCost = env.Observe(options.CostObservation).AsDouble();
    }

    public double InitialCost { get; }
    public double BestCost { get; private set; }
    public int Evaluations { get; private set; }
    public IReadOnlyList<string> ActionNames => _env.ActionSpace.Names!;

    /// <summary>
    /// Whether the budget is spent. A time limit is a limit on the whole search and on checking its
    /// result, so the time left must also cover putting the env in the best state and a replay that
    /// validates it (each a step per action, at the time each action took).
    /// </summary>
    public bool Exhausted =>
        Evaluations >= (_options.MaxEvaluations ?? int.MaxValue)
        || _options.TimeLimit is { } limit && _clock.Elapsed + EndTime() >= limit;

    /// <summary>
    /// Whether the time left affords trying this action: on a large program one trial takes
    /// seconds, and a whole pipeline many times a single pass, so it is judged by the slowest time
    /// the action took so far (the mean trial's before it ran).
    /// </summary>
    public bool Affords(int action)
    {
        if (_options.TimeLimit is not { } limit) return true;
        var expected = _actionTimes.TryGetValue(action, out var time) ? time
            : Evaluations == 0 ? TimeSpan.Zero : _trialTime / Evaluations;
        return _clock.Elapsed + expected + EndTime() < limit;
    }

    private TimeSpan EndTime() => 2 * _bestSteps.Aggregate(TimeSpan.Zero, (sum, s) => sum + _actionTimes.GetValueOrDefault(s.Action));

    /// <summary>
    /// Applies an action to an env in place: whether it changed the program, and the cost now (NaN
    /// when it did not apply: the program is unchanged, and its cost was not asked for).
    /// </summary>
    public (bool Changed, double Cost) Step(ICompilerEnv env, int action) => Timed(action, () => StepUntimed(env, action));

    private (bool Changed, double Cost) StepUntimed(ICompilerEnv env, int action)
    {
        // The cost comes with the step: one call to a remote env instead of two.
        var step = env.TryStep(action, _withCost);
        Evaluations++;
        _progress?.Invoke(new SearchProgress(Evaluations, _clock.Elapsed, BestCost));
        return step is null ? (false, double.NaN) : (step.Info.IrChanged, step.Info.Observations[_options.CostObservation].AsDouble());
    }

    /// <summary>Tries an action on a fork of a state: the new state (the caller's to dispose) and its cost, or null when the action changed nothing.</summary>
    public (ICompilerEnv Child, double Cost)? Try(ICompilerEnv parent, int action)
    {
        var (trial, (changed, cost)) = Timed(action, () =>
        {
            var trial = TakeSpare(parent) ?? parent.Fork();
            return (trial, StepUntimed(trial, action));
        });
        if (changed) return (trial, cost);
        _spare = (parent, trial);
        return null;
    }

    /// <summary>The actions to try in a state: all, or the policy's most probable ones (those it gives any probability).</summary>
    public IEnumerable<int> Candidates(ICompilerEnv state, IReadOnlyList<int> history)
    {
        if (_policy is null) return Enumerable.Range(0, _env.ActionSpace.N);
        double[] p = Probabilities(state, history);
        // OrderByDescending is stable: equally probable actions keep their order.
        return Enumerable.Range(0, p.Length).Where(a => p[a] > 0).OrderByDescending(a => p[a]).Take(_options.PolicyTopK).ToList();
    }

    /// <summary>An action drawn uniformly, or from the policy's probabilities.</summary>
    public int Sample(Random random, ICompilerEnv state, IReadOnlyList<int> history)
    {
        return _policy is null ? random.Next(_env.ActionSpace.N) : ActionSampling.Sample(Probabilities(state, history), random);
    }

    /// <summary>Keeps a sequence if it is cheaper than the best so far.</summary>
    public void Offer(IReadOnlyList<SearchStep> steps, double cost)
    {
        if (cost >= BestCost) return;
        BestCost = cost;
        _bestSteps = [.. steps];
        _progress?.Invoke(new SearchProgress(Evaluations, _clock.Elapsed, BestCost));
    }

    /// <summary>Puts the caller's env in the best state found and describes it.</summary>
    public SearchResult Finish()
    {
        if (_bestSteps.Count > 0) _env.Step([.. _bestSteps.Select(s => s.Action)]);
        return new SearchResult(InitialCost, BestCost, _bestSteps, Evaluations, _clock.Elapsed);
    }

    public void Dispose()
    {
        _spare?.Fork.Dispose();
        _spare = null;
    }

    // Keeps the slowest time each action took (a fork and its step), and the sum of all.
    private T Timed<T>(int action, Func<T> trial)
    {
        var started = _clock.Elapsed;
        var result = trial();
        var took = _clock.Elapsed - started;
        _trialTime += took;
        if (!_actionTimes.TryGetValue(action, out var slowest) || took > slowest) _actionTimes[action] = took;
        return result;
    }

    private ICompilerEnv? TakeSpare(ICompilerEnv parent)
    {
        if (_spare is not { } spare) return null;
        _spare = null;
        if (ReferenceEquals(spare.Parent, parent)) return spare.Fork;
        spare.Fork.Dispose();
        return null;
    }

    private double[] Probabilities(ICompilerEnv state, IReadOnlyList<int> history)
    {
        double[] p = _policy!.ActionProbabilities(state, history);
        return p.Length == _env.ActionSpace.N ? p
            : throw new InvalidOperationException($"the policy gave {p.Length} probabilities for {_env.ActionSpace.N} actions");
    }
}
