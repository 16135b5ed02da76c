using System.Diagnostics;
using CompilerGym.Agents.Policies;
using CompilerGym.Agents.Search;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;

namespace CompilerGym.Cli.Tuning;

/// <summary>One action space a tuning searches, and its floor actions (see <see cref="TuneFloor"/>).</summary>
internal sealed record TunePlan(string ActionSpace, IReadOnlyList<string> FloorActions);

/// <summary>
/// How every program of a run is tuned (the plans in turn, sharing the budget), by which compiler, where
/// its files go, and the user's test of them, if any.
/// </summary>
internal sealed record TuneSettings(EnvSpec Spec, string Cost, ISearch Search, string SearchName, IActionPolicy? Policy, SearchOptions Options,
    IReadOnlyList<TunePlan> Plans, string Description, string OutputDirectory, string CompilerVersion, UserTest? Test);

/// <summary>
/// Tunes one program within its budget (<see cref="TuneBudget"/>): for each plan, the floor and a
/// search from it. The first floor pipeline's result (-Oz's, for a program) is validated and its
/// files written at once, so a program always has a result, and the time that took is what the end
/// is expected to take; the rest of the floor and the searches get what is left. Then the
/// cheapest result that beats the floor and validates replaces it, as long as the budget affords
/// validating it, and the user's test, if any, runs on the files (for a program: optimized
/// bitcode, object file, executable, the unoptimized input and a script that remakes them).
/// </summary>
/// <remarks>
/// Given an env per plan (one per core), the plans run side by side, each searching the whole
/// time left; given one, in turn, sharing it. A plan's share of a step budget is the same either
/// way, so <c>--time 0 --max-steps N</c> gives the same result on any machine. A lane's helpers,
/// if it has any, are put in its floor's state for its search to run trials on (see
/// <see cref="ISearch"/>); that too leaves the result as it is.
/// </remarks>
internal static partial class ProgramTuner
{
    /// <summary>
    /// What one plan found: its actions (floor included) from the start, the costs before and after
    /// them, the steps tried, what replaying the floor's and the search's actions is expected to
    /// take, and an env in its state (null once that env has moved on).
    /// </summary>
    private sealed record Found(TunePlan Plan, IReadOnlyList<string> Actions, double StartCost, double BestCost, int Evaluations,
        TimeSpan FloorReplay, TimeSpan SearchReplay, ICompilerEnv? State);

    /// <summary>A result validated (and, when valid, its files written), and how long that took.</summary>
    private sealed record Settled(Found Found, ValidationResult Validation, TuneOutput? Files, string Commandline, TimeSpan Took);

    // The time kept back for the end, in units of the floor's settling: validating a found state
    // takes as long and more, which the searches leave room for themselves (SearchRun.Exhausted).
    private const double EndMargin = 1.25;

    public static TuneRecord Tune(IReadOnlyList<ICompilerEnv> envs, IReadOnlyList<IReadOnlyList<ICompilerEnv>> helpers, TuneTarget target,
        TuneSettings settings, Action<SearchProgress>? progress)
    {
        var budget = new TuneBudget(settings.Options.TimeLimit);
        var plans = settings.Plans;
        int lanes = Math.Min(envs.Count, plans.Count);
        var found = new List<Found>();
        var forks = new List<ICompilerEnv>();
        var floorSettled = new TaskCompletionSource<Settled>(TaskCreationOptions.RunContinuationsAsynchronously);
        var report = new LaneProgress(lanes, budget, progress);
        CostBaselines? baselines = null;
        // The first plan's first floor trial (-Oz's pipeline, for a program): settled at once, it
        // measures what the end takes, and the baselines need not run its pipeline again.
        var firstTrial = new TaskCompletionSource<TuneFloor.Outcome>(TaskCreationOptions.RunContinuationsAsynchronously);

        // Of a deterministic cost, the start state's and the reference pipeline's are measured
        // already: on a large program the reference pipeline alone takes seconds.
        CostBaselines Baselines(ICompilerEnv env, double startCost)
        {
            if (!env.ObservationSpaces.Any(s => s.Name == settings.Cost && s.Deterministic)) return settings.Spec.Baselines(env, settings.Cost);
            double? oz = settings.Spec.ReferenceAction(plans[0].ActionSpace) is { } reference
                && firstTrial.Task.Result.Tried.TryGetValue(reference, out double cost) ? cost : null;
            return settings.Spec.Baselines(env, settings.Cost, new CostBaselines(startCost, oz, null));
        }

        void Lane(int lane)
        {
            var env = envs[lane];
            var mine = Enumerable.Range(0, plans.Count).Where(i => i % lanes == lane).ToList();
            var laneFound = new List<Found>();
            for (int n = 0; n < mine.Count; n++)
            {
                int i = mine[n];
                var plan = plans[i];
                env.Reset(target.EnvBenchmark, new ResetOptions(ActionSpace: plan.ActionSpace));
                // The env no longer holds what the lane's earlier plan left in it.
                laneFound = [.. laneFound.Select(f => ReferenceEquals(f.State, env) ? f with { State = null } : f)];
                double startCost = env.Observe(settings.Cost).AsDouble();

                var floor = TuneFloor.Apply(env, plan.FloorActions.Take(1), settings.Cost, _ => true, report.For(lane));
                if (i == 0) firstTrial.SetResult(floor);
                // The last lane computes them, while the first settles its floor where there are two.
                if (lane == lanes - 1 && n == 0) baselines = Baselines(env, startCost);
                if (i == 0)
                {
                    var settled = Settle(floor.State ?? env, new Found(plan, floor.Actions, startCost, floor.Cost, floor.Trials, floor.SlowestTrial,
                        TimeSpan.Zero, null), target, settings);
                    budget.Reserve = settled.Took * EndMargin;
                    floorSettled.SetResult(settled);
                }
                // The rest of any floor is tried once the end's time is known.
                floorSettled.Task.Wait();
                floor = TuneFloor.Apply(env, plan.FloorActions.Skip(1), settings.Cost, trial => budget.Affords(trial + budget.Reserve),
                    report.For(lane), floor);
                var state = floor.State ?? env;
                if (floor.State is { } fork) lock (forks) forks.Add(fork);
                if (i > 0 && floor.Actions.Count > 0)
                    laneFound.Add(new Found(plan, floor.Actions, startCost, floor.Cost, 0, floor.SlowestTrial, TimeSpan.Zero, null));

                // The lane's helpers start where its search starts: the floor's state, replayed side by side.
                Parallel.ForEach(helpers[lane], helper => Replay(helper, target, plan.ActionSpace, floor.Actions));
                var options = settings.Options with
                {
                    TimeLimit = budget.SearchShare(mine.Count - n),
                    MaxEvaluations = settings.Options.MaxEvaluations is { } steps ? StepShare(steps, i, plans, floor.Trials) : null,
                };
                report.Done(lane, floor.Trials, floor.Cost);
                var result = settings.Search.Run(state, options, settings.Policy, report.For(lane), helpers[lane]);
                report.Done(lane, result.Evaluations, result.BestCost);
                var meanTrial = result.Evaluations == 0 ? TimeSpan.Zero : result.Elapsed / result.Evaluations;
                laneFound.Add(new Found(plan, [.. floor.Actions, .. result.ActionNames], startCost, result.BestCost,
                    floor.Trials + result.Evaluations, floor.SlowestTrial, meanTrial * result.Steps.Count, state));
            }
            lock (found) found.AddRange(laneFound);
        }

        try
        {
            var tasks = Enumerable.Range(0, lanes).Select(lane => Task.Run(() =>
            {
                // A lane that fails before the first floor is settled must not leave the others waiting for it.
                try { Lane(lane); }
                catch (Exception e)
                {
                    floorSettled.TrySetException(e);
                    firstTrial.TrySetException(e);
                    throw;
                }
            })).ToArray();
            try { Task.WaitAll(tasks); }
            catch (AggregateException e) { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.Flatten().InnerExceptions[0]); }

            // Lanes end in any order; in the plans' order, a tie goes to the same plan on every run.
            var byPlan = plans.SelectMany(plan => found.Where(f => ReferenceEquals(f.Plan, plan))).ToList();
            var (best, validation) = Best(envs, target, settings, budget, floorSettled.Task.Result, byPlan);
            bool valid = best.Validation.Ok;
            var files = best.Files!;
            if (settings.Test is { } test) (valid, validation) = test.Check(files, settings.OutputDirectory, valid, validation);
            var b = baselines!;
            return new TuneRecord(target.Program, target.InputHash, settings.Cost, settings.SearchName, settings.Description,
                b.O0 ?? best.Found.StartCost, b.Oz, b.O3, best.Found.BestCost,
                files.Pipeline, best.Commandline, best.Found.Actions,
                found.Sum(f => f.Evaluations), budget.Elapsed.TotalSeconds, valid, validation, files.ProgramFile, files.MachineFile, DateTimeOffset.UtcNow,
                settings.CompilerVersion, target.Target, files.Toolchain, files.InputFile, files.ScriptFile, files.ExecutableFile);
        }
        finally
        {
            foreach (var fork in forks) fork.Dispose();
        }
    }

    /// <summary>
    /// Plan <paramref name="plan"/>'s steps: what the first plan's floor would take of the step budget
    /// were it all tried, left in equal shares (any remainder to the later plans), less the plan's
    /// own floor's trials after the first. It depends on nothing another plan does, so the plans
    /// may run side by side.
    /// </summary>
    private static int StepShare(int steps, int plan, IReadOnlyList<TunePlan> plans, int floorTrials)
    {
        int left = Math.Max(0, steps - plans[0].FloorActions.Count);
        int share = (int)((long)left * (plan + 1) / plans.Count - (long)left * plan / plans.Count);
        return Math.Max(0, share - (plan > 0 ? floorTrials : 0));
    }

    /// <summary>
    /// The cheapest result that validates, its files written, and the record's validation text. A
    /// pass that is not deterministic (LLVM 22's gvn-sink orders by heap address) can make a found
    /// state fail to reproduce; the next cheapest is tried then, down to the floor, which was settled
    /// first. Candidates the budget cannot afford to validate are left, and the record says so.
    /// Where nothing validates, the cheapest stands, invalid.
    /// </summary>
    private static (Settled Best, string Validation) Best(IReadOnlyList<ICompilerEnv> envs, TuneTarget target, TuneSettings settings,
        TuneBudget budget, Settled floor, List<Found> found)
    {
        // OrderBy is stable: among equals, an earlier plan first.
        var candidates = found.Where(f => !floor.Validation.Ok || f.BestCost < floor.Found.BestCost).OrderBy(f => f.BestCost).ToList();
        // Each env holds its lane's last state until a candidate is replayed in the first.
        var held = new Dictionary<ICompilerEnv, Found?>(ReferenceEqualityComparer.Instance);
        foreach (var env in envs) held[env] = found.LastOrDefault(f => ReferenceEquals(f.State, env));
        bool Held(Found f) => f.State is { } state && (!held.TryGetValue(state, out var holds) || ReferenceEquals(holds, f));
        ICompilerEnv Holder(Found f)
        {
            if (Held(f)) return f.State!;
            held[envs[0]] = f;
            return Replay(envs[0], target, f);
        }

        var refused = floor.Validation.Ok ? new List<Settled>() : [floor];
        for (int i = 0; i < candidates.Count; i++)
        {
            // Validating replays the search's actions after the floor's (the searches stopped in time
            // for that); a state no env holds is replayed first.
            var c = candidates[i];
            var expected = floor.Took + c.SearchReplay + (Held(c) ? TimeSpan.Zero : c.FloorReplay + c.SearchReplay);
            if (floor.Validation.Ok && !budget.Affords(expected)) return (floor, Describe(floor, refused, candidates.Count - i));
            var settled = Settle(Holder(candidates[i]), candidates[i], target, settings);
            if (settled.Validation.Ok) return (settled, Describe(settled, refused, 0));
            refused.Add(settled);
        }
        if (floor.Validation.Ok) return (floor, Describe(floor, refused, 0));
        // Nothing validated: the cheapest is written as it is, with the reason it failed.
        var cheapest = refused.MinBy(r => r.Found.BestCost)!;
        var holder = Holder(cheapest.Found);
        var files = settings.Spec.WriteResult(holder, target.Program, cheapest.Found.Actions, settings.OutputDirectory, target.FileStem);
        return (cheapest with { Files = files, Commandline = holder.Commandline() }, cheapest.Validation.ToString());
    }

    private static string Describe(Settled best, List<Settled> refused, int unaffordable)
    {
        string text = best.Validation.ToString();
        if (refused.Count > 0)
            text += $"; {refused.Count} cheaper result(s) did not reproduce and were passed over ({string.Join("; ", refused[0].Validation.Errors)})";
        if (unaffordable > 0) text += $"; {unaffordable} cheaper result(s) left unvalidated: the budget did not afford validating them";
        return text;
    }

    /// <summary>Validates the state an env is in as the result of <paramref name="found"/>, and writes its files when it is valid.</summary>
    private static Settled Settle(ICompilerEnv holder, Found found, TuneTarget target, TuneSettings settings)
    {
        var clock = Stopwatch.StartNew();
        var validation = holder.Validate(Claim(holder, settings.Cost, found.StartCost - found.BestCost));
        var files = validation.Ok ? settings.Spec.WriteResult(holder, target.Program, found.Actions, settings.OutputDirectory, target.FileStem) : null;
        return new Settled(found, validation, files, holder.Commandline(), clock.Elapsed);
    }

    private static ICompilerEnv Replay(ICompilerEnv env, TuneTarget target, Found found) => Replay(env, target, found.Plan.ActionSpace, found.Actions);

    private static ICompilerEnv Replay(ICompilerEnv env, TuneTarget target, string actionSpace, IReadOnlyList<string> actions)
    {
        env.Reset(target.EnvBenchmark, new ResetOptions(ActionSpace: actionSpace));
        if (actions.Count > 0) env.StepByName(actions);
        return env;
    }

    // The state with the saving the tuning claims as its reward, so that replaying it checks the
    // cost too. A cost that is not deterministic (a measured run time) or has no reward space of
    // its name is checked for replaying only.
    private static EnvState Claim(ICompilerEnv env, string cost, double saving) =>
        env.ObservationSpaces.Any(s => s.Name == cost && s.Deterministic) && env.RewardSpaces.Any(r => r.Name == cost)
            ? env.State with { RewardSpace = cost, Reward = saving }
            : env.State;
}
