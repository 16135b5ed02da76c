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
/// Tunes one program: for each plan, the floor and a search from it; then the cheapest plan's state,
/// validated by replay, the environment's result files (for a program: optimized bitcode, object file,
/// executable, the unoptimized input and a script that remakes them), and the user's test of them.
/// </summary>
internal static class ProgramTuner
{
    /// <summary>What one plan found: its actions (floor included) from the start, the costs before and after them, the steps tried, and its floor alone.</summary>
    private sealed record Found(TunePlan Plan, IReadOnlyList<string> Actions, double StartCost, double BestCost, int Evaluations,
        IReadOnlyList<string> Floor, double FloorCost);

    public static TuneRecord Tune(ICompilerEnv env, TuneTarget target, TuneSettings settings, Action<SearchProgress>? progress)
    {
        var clock = Stopwatch.StartNew();
        var found = new List<Found>();
        for (int i = 0; i < settings.Plans.Count; i++)
        {
            var used = new SearchProgress(found.Sum(f => f.Evaluations), clock.Elapsed, found.Select(f => f.BestCost).DefaultIfEmpty(double.PositiveInfinity).Min());
            var options = Share(settings.Options, used, settings.Plans.Count - i);
            found.Add(Search(env, target, settings, settings.Plans[i], options, After(used, progress)));
        }
        var (best, valid, validation) = Validated(env, target, settings, found);
        var baselines = settings.Spec.Baselines(env, settings.Cost);
        var files = settings.Spec.WriteResult(env, target.Program, best.Actions, settings.OutputDirectory, target.FileStem);
        if (settings.Test is { } test) (valid, validation) = test.Check(files, settings.OutputDirectory, valid, validation);
        return new TuneRecord(target.Program, target.InputHash, settings.Cost, settings.SearchName, settings.Description,
            baselines.O0 ?? best.StartCost, baselines.Oz, baselines.O3, best.BestCost,
            files.Pipeline, env.Commandline(), best.Actions,
            found.Sum(f => f.Evaluations), clock.Elapsed.TotalSeconds, valid, validation, files.ProgramFile, files.MachineFile, DateTimeOffset.UtcNow,
            settings.CompilerVersion, target.Target, files.Toolchain, files.InputFile, files.ScriptFile, files.ExecutableFile);
    }

    /// <summary>
    /// The cheapest result that validates, the env left in its state. A pass that is not
    /// deterministic (LLVM 22's gvn-sink orders by heap address) can make a found state fail to
    /// reproduce; the next cheapest is tried then, down to the floors alone, so a run still ends
    /// with a program its record reproduces. Where none validates, the cheapest stands, invalid.
    /// </summary>
    private static (Found Best, bool Valid, string Validation) Validated(ICompilerEnv env, TuneTarget target, TuneSettings settings, List<Found> found)
    {
        // OrderBy is stable: among equals, the searches before the floors, an earlier plan first.
        var candidates = found.Concat(found.Where(f => f.Floor.Count > 0).Select(f => f with { Actions = f.Floor, BestCost = f.FloorCost }))
            .OrderBy(f => f.BestCost).ToList();
        var refused = new List<ValidationResult>();
        // The env is in the last plan's best state after the searches.
        var current = found[^1];
        foreach (var candidate in candidates)
        {
            if (!ReferenceEquals(candidate, current)) Replay(env, target, candidate);
            current = candidate;
            var validation = env.Validate(Claim(env, settings.Cost, candidate.StartCost - candidate.BestCost));
            if (validation.Ok)
                return (candidate, true, refused.Count == 0 ? validation.ToString()
                    : $"{validation}; {refused.Count} cheaper result(s) did not reproduce and were passed over ({string.Join("; ", refused[0].Errors)})");
            refused.Add(validation);
        }
        Replay(env, target, candidates[0]);
        return (candidates[0], false, refused[0].ToString());
    }

    /// <summary>One plan: the env reset to its action space, the floor, then the search from there; leaves the env in the best state found.</summary>
    private static Found Search(ICompilerEnv env, TuneTarget target, TuneSettings settings, TunePlan plan, SearchOptions options,
        Action<SearchProgress>? progress)
    {
        env.Reset(target.EnvBenchmark, new ResetOptions(ActionSpace: plan.ActionSpace));
        double startCost = env.Observe(settings.Cost).AsDouble();
        var floor = TuneFloor.Apply(env, plan.FloorActions, settings.Cost, progress);
        var afterFloor = new SearchProgress(floor.Trials, floor.Elapsed, double.PositiveInfinity);
        var result = settings.Search.Run(env, Share(options, afterFloor, plansLeft: 1), settings.Policy, After(afterFloor, progress));
        return new Found(plan, [.. floor.Actions, .. result.ActionNames], startCost, result.BestCost, floor.Trials + result.Evaluations,
            floor.Actions, floor.Cost);
    }

    // An equal share of what is left of the budget, so that a plan that stops early (greedy search
    // does) leaves the rest to the next; nothing when it is spent. The floor comes out of its plan's share.
    private static SearchOptions Share(SearchOptions options, SearchProgress used, int plansLeft) => options with
    {
        MaxEvaluations = options.MaxEvaluations is { } steps ? Math.Max(0, steps - used.Evaluations) / plansLeft : null,
        TimeLimit = options.TimeLimit is { } time ? (time > used.Elapsed ? (time - used.Elapsed) / plansLeft : TimeSpan.Zero) : null,
    };

    // A search counts its steps and time from zero and knows only its own best cost; progress shows
    // them after what came before.
    private static Action<SearchProgress>? After(SearchProgress before, Action<SearchProgress>? progress) => progress is null ? null
        : p => progress(new SearchProgress(before.Evaluations + p.Evaluations, before.Elapsed + p.Elapsed, Math.Min(before.BestCost, p.BestCost)));

    private static void Replay(ICompilerEnv env, TuneTarget target, Found found)
    {
        env.Reset(target.EnvBenchmark, new ResetOptions(ActionSpace: found.Plan.ActionSpace));
        if (found.Actions.Count > 0) env.StepByName(found.Actions);
    }

    // The state with the saving the tuning claims as its reward, so that replaying it checks the
    // cost too. A cost that is not deterministic (a measured run time) or has no reward space of
    // its name is checked for replaying only.
    private static EnvState Claim(ICompilerEnv env, string cost, double saving) =>
        env.ObservationSpaces.Any(s => s.Name == cost && s.Deterministic) && env.RewardSpaces.Any(r => r.Name == cost)
            ? env.State with { RewardSpace = cost, Reward = saving }
            : env.State;
}
