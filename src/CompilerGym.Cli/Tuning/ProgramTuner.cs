using System.Diagnostics;
using CompilerGym.Agents.Policies;
using CompilerGym.Agents.Search;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;

namespace CompilerGym.Cli.Tuning;

/// <summary>One action space a tuning searches, and its floor actions (see <see cref="TuneFloor"/>).</summary>
internal sealed record TunePlan(string ActionSpace, IReadOnlyList<string> FloorActions);

/// <summary>How every program of a run is tuned (the plans in turn, sharing the budget), and where its files go.</summary>
internal sealed record TuneSettings(EnvSpec Spec, string Cost, ISearch Search, string SearchName, IActionPolicy? Policy, SearchOptions Options,
    IReadOnlyList<TunePlan> Plans, string Description, string OutputDirectory);

/// <summary>
/// Tunes one program within its budget (<see cref="TuneBudget"/>): for each plan, the floor and a
/// search from it. The first plan's floor is validated and its files written at once, so a
/// program always has a result, and the time that took is what the end is expected to take; the
/// searches share what is left. Then the cheapest result that beats the floor and validates
/// replaces it, as long as the budget affords validating it.
/// </summary>
internal static class ProgramTuner
{
    /// <summary>
    /// What one plan found: its actions (floor included) from the start, the costs before and after
    /// them, the steps tried, what a replay of the actions is expected to take, and an env in its
    /// state (null once that env has moved on).
    /// </summary>
    private sealed record Found(TunePlan Plan, IReadOnlyList<string> Actions, double StartCost, double BestCost, int Evaluations,
        TimeSpan Replay, ICompilerEnv? State);

    /// <summary>A result validated (and, when valid, its files written), and how long that took.</summary>
    private sealed record Settled(Found Found, ValidationResult Validation, TuneOutput? Files, string Commandline, TimeSpan Took);

    // How much longer than the floor's the end may take: a found sequence replays more actions.
    private const double EndMargin = 1.25;

    public static TuneRecord Tune(ICompilerEnv env, TuneTarget target, TuneSettings settings, Action<SearchProgress>? progress)
    {
        var budget = new TuneBudget(settings.Options.TimeLimit);
        var found = new List<Found>();
        var forks = new List<ICompilerEnv>();
        Settled? floor = null;
        CostBaselines? baselines = null;
        try
        {
            for (int i = 0; i < settings.Plans.Count; i++)
            {
                var plan = settings.Plans[i];
                env.Reset(target.EnvBenchmark, new ResetOptions(ActionSpace: plan.ActionSpace));
                // The env no longer holds what an earlier plan left in it.
                found = [.. found.Select(f => ReferenceEquals(f.State, env) ? f with { State = null } : f)];
                baselines ??= settings.Spec.Baselines(env, settings.Cost);
                var used = new SearchProgress(found.Sum(f => f.Evaluations), budget.Elapsed,
                    found.Select(f => f.BestCost).DefaultIfEmpty(double.PositiveInfinity).Min());
                double startCost = env.Observe(settings.Cost).AsDouble();

                // Before the end is measured, it is taken to cost two trials: a replay and a build.
                var floorOutcome = TuneFloor.Apply(env, plan.FloorActions, settings.Cost,
                    trial => budget.Affords(trial + (floor is null ? 2 * trial : budget.Reserve)), After(used, progress));
                var state = floorOutcome.State ?? env;
                if (floorOutcome.State is { } fork) forks.Add(fork);
                var floorFound = new Found(plan, floorOutcome.Actions, startCost, floorOutcome.Cost, floorOutcome.Trials, floorOutcome.SlowestTrial, state);
                if (floor is null)
                {
                    floor = Settle(state, floorFound, target, settings);
                    budget.Reserve = floor.Took * EndMargin;
                }
                else if (floorOutcome.Actions.Count > 0) found.Add(floorFound with { State = null, Evaluations = 0 });

                var afterFloor = new SearchProgress(used.Evaluations + floorOutcome.Trials, budget.Elapsed, Math.Min(used.BestCost, floorOutcome.Cost));
                var options = settings.Options with
                {
                    TimeLimit = budget.SearchShare(settings.Plans.Count - i),
                    // The plan's equal share of the steps left, its floor's trials taken out of it.
                    MaxEvaluations = settings.Options.MaxEvaluations is { } steps
                        ? Math.Max(0, Math.Max(0, steps - used.Evaluations) / (settings.Plans.Count - i) - floorOutcome.Trials) : null,
                };
                var result = settings.Search.Run(state, options, settings.Policy, After(afterFloor, progress));
                var meanTrial = result.Evaluations == 0 ? TimeSpan.Zero : result.Elapsed / result.Evaluations;
                found.Add(new Found(plan, [.. floorOutcome.Actions, .. result.ActionNames], startCost, result.BestCost,
                    floorOutcome.Trials + result.Evaluations, floorOutcome.SlowestTrial + meanTrial * result.Steps.Count, state));
            }
            var (best, validation) = Best(env, target, settings, budget, floor!, found);
            var b = baselines!;
            return new TuneRecord(target.Program, target.InputHash, settings.Cost, settings.SearchName, settings.Description,
                b.O0 ?? best.Found.StartCost, b.Oz, b.O3, best.Found.BestCost,
                best.Files!.Pipeline, best.Commandline, best.Found.Actions,
                found.Sum(f => f.Evaluations), budget.Elapsed.TotalSeconds, best.Validation.Ok, validation,
                best.Files.ProgramFile, best.Files.MachineFile, DateTimeOffset.UtcNow);
        }
        finally
        {
            foreach (var fork in forks) fork.Dispose();
        }
    }

    /// <summary>
    /// The cheapest result that validates, its files written, and the record's validation text. A
    /// pass that is not deterministic (LLVM 22's gvn-sink orders by heap address) can make a found
    /// state fail to reproduce; the next cheapest is tried then, down to the floor, which was settled
    /// first. Candidates the budget cannot afford to validate are left, and the record says so.
    /// Where nothing validates, the cheapest stands, invalid.
    /// </summary>
    private static (Settled Best, string Validation) Best(ICompilerEnv env, TuneTarget target, TuneSettings settings, TuneBudget budget,
        Settled floor, List<Found> found)
    {
        // OrderBy is stable: among equals, an earlier plan first.
        var candidates = found.Where(f => !floor.Validation.Ok || f.BestCost < floor.Found.BestCost).OrderBy(f => f.BestCost).ToList();
        // The env itself holds the last plan's state until a candidate is replayed in it.
        var inEnv = found.LastOrDefault(f => ReferenceEquals(f.State, env));
        bool Held(Found f) => f.State is { } state && (!ReferenceEquals(state, env) || ReferenceEquals(inEnv, f));
        ICompilerEnv Holder(Found f)
        {
            if (Held(f)) return f.State!;
            inEnv = f;
            return Replay(env, target, f);
        }

        var refused = floor.Validation.Ok ? new List<Settled>() : [floor];
        for (int i = 0; i < candidates.Count; i++)
        {
            var expected = floor.Took * EndMargin + (Held(candidates[i]) ? TimeSpan.Zero : candidates[i].Replay);
            if (floor.Validation.Ok && !budget.Affords(expected)) return (floor, Describe(floor, refused, candidates.Count - i));
            var settled = Settle(Holder(candidates[i]), candidates[i], target, settings);
            if (settled.Validation.Ok) return (settled, Describe(settled, refused, 0));
            refused.Add(settled);
        }
        if (floor.Validation.Ok) return (floor, Describe(floor, refused, 0));
        // Nothing validated: the cheapest is written as it is, with the reason it failed.
        var cheapest = refused.MinBy(r => r.Found.BestCost)!;
        var holder = Holder(cheapest.Found);
        var files = settings.Spec.WriteResult(holder, cheapest.Found.Actions, settings.OutputDirectory, target.FileStem);
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
        var files = validation.Ok ? settings.Spec.WriteResult(holder, found.Actions, settings.OutputDirectory, target.FileStem) : null;
        return new Settled(found, validation, files, holder.Commandline(), clock.Elapsed);
    }

    // A search counts its steps and time from zero and knows only its own best cost; progress shows
    // them after what came before.
    private static Action<SearchProgress>? After(SearchProgress before, Action<SearchProgress>? progress) => progress is null ? null
        : p => progress(new SearchProgress(before.Evaluations + p.Evaluations, before.Elapsed + p.Elapsed, Math.Min(before.BestCost, p.BestCost)));

    private static ICompilerEnv Replay(ICompilerEnv env, TuneTarget target, Found found)
    {
        env.Reset(target.EnvBenchmark, new ResetOptions(ActionSpace: found.Plan.ActionSpace));
        if (found.Actions.Count > 0) env.StepByName(found.Actions);
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
