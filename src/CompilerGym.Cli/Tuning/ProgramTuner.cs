using System.Diagnostics;
using CompilerGym.Agents.Policies;
using CompilerGym.Agents.Search;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;

namespace CompilerGym.Cli.Tuning;

/// <summary>How every program of a run is tuned, and where its files go; <paramref name="FloorActions"/> are tried before the search (see <see cref="TuneFloor"/>).</summary>
internal sealed record TuneSettings(EnvSpec Spec, string Cost, ISearch Search, string SearchName, IActionPolicy? Policy, SearchOptions Options,
    IReadOnlyList<string> FloorActions, string Description, string OutputDirectory);

/// <summary>Tunes one program: the floor, a search from it, validation by replay, the environment's result files (optimized bitcode and object file for a program).</summary>
internal static class ProgramTuner
{
    public static TuneRecord Tune(ICompilerEnv env, TuneTarget target, TuneSettings settings, Action<SearchProgress>? progress)
    {
        var clock = Stopwatch.StartNew();
        env.Reset(target.EnvBenchmark);
        double startCost = env.Observe(settings.Cost).AsDouble();
        var floor = TuneFloor.Apply(env, settings.FloorActions, settings.Cost, progress);
        var result = settings.Search.Run(env, Remaining(settings.Options, floor), settings.Policy, After(floor, progress));
        IReadOnlyList<string> actions = [.. floor.Actions, .. result.ActionNames];
        var baselines = settings.Spec.Baselines(env, settings.Cost);
        var validation = env.Validate(Claim(env, settings.Cost, startCost - result.BestCost));

        var files = settings.Spec.WriteResult(env, actions, settings.OutputDirectory, target.FileStem);
        return new TuneRecord(target.Program, target.InputHash, settings.Cost, settings.SearchName, settings.Description,
            baselines.O0 ?? startCost, baselines.Oz, baselines.O3, result.BestCost,
            files.Pipeline, env.Commandline(), actions,
            floor.Trials + result.Evaluations, clock.Elapsed.TotalSeconds, validation.Ok, validation.ToString(), files.ProgramFile, files.MachineFile, DateTimeOffset.UtcNow);
    }

    // The floor's trials come out of the budget: the search gets what is left, possibly nothing.
    private static SearchOptions Remaining(SearchOptions options, TuneFloor.Outcome floor) => options with
    {
        MaxEvaluations = options.MaxEvaluations is { } steps ? Math.Max(0, steps - floor.Trials) : null,
        TimeLimit = options.TimeLimit is { } time ? (time > floor.Elapsed ? time - floor.Elapsed : TimeSpan.Zero) : null,
    };

    // The search counts its steps and time from zero; progress shows them after the floor's.
    private static Action<SearchProgress>? After(TuneFloor.Outcome floor, Action<SearchProgress>? progress) => progress is null ? null
        : p => progress(p with { Evaluations = floor.Trials + p.Evaluations, Elapsed = floor.Elapsed + p.Elapsed });

    // The state with the saving the tuning claims as its reward, so that replaying it checks the
    // cost too. A cost that is not deterministic (a measured run time) or has no reward space of
    // its name is checked for replaying only.
    private static EnvState Claim(ICompilerEnv env, string cost, double saving) =>
        env.ObservationSpaces.Any(s => s.Name == cost && s.Deterministic) && env.RewardSpaces.Any(r => r.Name == cost)
            ? env.State with { RewardSpace = cost, Reward = saving }
            : env.State;
}
