using System.Diagnostics;
using CompilerGym.Agents.Policies;
using CompilerGym.Core.Envs;

namespace CompilerGym.Agents.Search;

/// <summary>
/// What every search shares: the budget, the steps tried, the best sequence so far, progress
/// reports, the actions to try (all, or a policy's choice) and trials on forks, side by side on
/// the helper envs where it has them.
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
    // The search's own worker first, then one per helper env.
    private readonly TrialWorker[] _workers;
    // Guards what trials side by side share: the counts, the times, the best sequence, progress reports.
    private readonly Lock _lock = new();
    private readonly Dictionary<int, TimeSpan> _actionTimes = [];
    private TimeSpan _trialTime;

    public SearchRun(ICompilerEnv env, SearchOptions options, IActionPolicy? policy, Action<SearchProgress>? progress,
        IReadOnlyList<ICompilerEnv>? helpers = null)
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
        _workers = [TrialWorker.Own(), .. (helpers ?? []).Select(helper => new TrialWorker(helper))];
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
    public (bool Changed, double Cost) Step(ICompilerEnv env, int action)
    {
        Evaluations++;
        return Timed(action, () => StepUntimed(env, action));
    }

    // A step counts as an evaluation when it starts (so that trials side by side keep a step budget); reported when done.
    private (bool Changed, double Cost) StepUntimed(ICompilerEnv env, int action)
    {
        // The cost comes with the step: one call to a remote env instead of two.
        var step = env.TryStep(action, _withCost);
        lock (_lock) _progress?.Invoke(new SearchProgress(Evaluations, _clock.Elapsed, BestCost));
        return step is null ? (false, double.NaN) : (step.Info.IrChanged, step.Info.Observations[_options.CostObservation].AsDouble());
    }

    /// <summary>
    /// Tries each action on a fork of a state, in order, while the budget lasts (skipping those the
    /// time left cannot afford), and hands each new state (the taker's to dispose) with its cost to
    /// <paramref name="take"/>, in the actions' order; an action that changed nothing is not handed.
    /// With helper envs, the trials run side by side on them too, each helper's copy of the state
    /// reached by <paramref name="path"/> (the actions from the search's start), and are handed
    /// over in the same order as they are tried alone: the result does not depend on the helpers.
    /// </summary>
    public void TryEach(ICompilerEnv state, IReadOnlyList<int> path, IEnumerable<int> actions, Action<int, ICompilerEnv, double> take) =>
        new Trials(this, state, path, [.. actions], take).Run();

    /// <summary>The trials of one state, claimed in order by the workers and handed over in order.</summary>
    private sealed class Trials(SearchRun run, ICompilerEnv state, IReadOnlyList<int> path, int[] actions, Action<int, ICompilerEnv, double> take)
    {
        private readonly (ICompilerEnv Child, double Cost)?[] _outcomes = new (ICompilerEnv, double)?[actions.Length];
        private readonly bool[] _done = new bool[actions.Length];
        private int _claimed, _handed;
        private bool _stopped;

        public void Run()
        {
            var helpers = run._workers.Skip(1).Select(worker => Task.Factory.StartNew(() => Work(worker), TaskCreationOptions.LongRunning)).ToArray();
            Exception? failure = null;
            try { Work(run._workers[0]); }
            catch (Exception e) { failure = e; }
            try { Task.WaitAll(helpers); }
            catch (AggregateException e) { failure ??= e.InnerExceptions[0]; }
            if (failure is null) return;
            foreach (var outcome in _outcomes) outcome?.Child.Dispose();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        private void Work(TrialWorker worker)
        {
            try
            {
                ICompilerEnv? parent = null;
                for (int i = Claim(); i >= 0; i = Claim())
                {
                    parent ??= worker.Reach(state, path);
                    int action = actions[i];
                    var outcome = run.Timed(action, () =>
                    {
                        var trial = worker.Fork(parent);
                        var (changed, cost) = run.StepUntimed(trial, action);
                        if (changed) return ((ICompilerEnv, double)?)(trial, cost);
                        worker.Spare(parent, trial);
                        return null;
                    });
                    lock (run._lock)
                    {
                        (_outcomes[i], _done[i]) = (outcome, true);
                        Hand();
                    }
                }
            }
            catch
            {
                lock (run._lock) _stopped = true;
                throw;
            }
        }

        // The next action to try, counted as an evaluation, or -1 when there is none or the budget is spent.
        private int Claim()
        {
            lock (run._lock)
            {
                while (!_stopped && _claimed < actions.Length && !run.Exhausted)
                {
                    int i = _claimed++;
                    if (run.Affords(actions[i]))
                    {
                        run.Evaluations++;
                        return i;
                    }
                    _done[i] = true;
                }
                Hand();
                return -1;
            }
        }

        // Under the lock: hands over what is done, up to the first trial still running.
        private void Hand()
        {
            for (; _handed < _claimed && _done[_handed] && !_stopped; _handed++)
            {
                if (_outcomes[_handed] is not { } outcome) continue;
                _outcomes[_handed] = null;
                take(actions[_handed], outcome.Child, outcome.Cost);
            }
        }
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
        lock (_lock)
        {
            if (cost >= BestCost) return;
            BestCost = cost;
            _bestSteps = [.. steps];
            _progress?.Invoke(new SearchProgress(Evaluations, _clock.Elapsed, BestCost));
        }
    }

    /// <summary>Puts the caller's env in the best state found and describes it.</summary>
    public SearchResult Finish()
    {
        if (_bestSteps.Count > 0) _env.Step([.. _bestSteps.Select(s => s.Action)]);
        return new SearchResult(InitialCost, BestCost, _bestSteps, Evaluations, _clock.Elapsed);
    }

    public void Dispose()
    {
        foreach (var worker in _workers) worker.Dispose();
    }

    // Keeps the slowest time each action took (a fork and its step), and the sum of all.
    private T Timed<T>(int action, Func<T> trial)
    {
        var started = _clock.Elapsed;
        var result = trial();
        var took = _clock.Elapsed - started;
        lock (_lock)
        {
            _trialTime += took;
            if (!_actionTimes.TryGetValue(action, out var slowest) || took > slowest) _actionTimes[action] = took;
        }
        return result;
    }

    private double[] Probabilities(ICompilerEnv state, IReadOnlyList<int> history)
    {
        double[] p = _policy!.ActionProbabilities(state, history);
        return p.Length == _env.ActionSpace.N ? p
            : throw new InvalidOperationException($"the policy gave {p.Length} probabilities for {_env.ActionSpace.N} actions");
    }
}
