using System.Diagnostics;
using CompilerGym.Agents.Policies;
using CompilerGym.Agents.Search;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;

namespace CompilerGym.Cli.Tuning;

/// <summary>How every program of a run is tuned, and where its files go.</summary>
internal sealed record TuneSettings(EnvSpec Spec, string Cost, ISearch Search, string SearchName, IActionPolicy? Policy, SearchOptions Options,
    string Description, string OutputDirectory);

/// <summary>Tunes one program: search, validation by replay, the environment's result files (optimized bitcode and object file for a program).</summary>
internal static class ProgramTuner
{
    public static TuneRecord Tune(ICompilerEnv env, TuneTarget target, TuneSettings settings, Action<SearchProgress>? progress)
    {
        var clock = Stopwatch.StartNew();
        env.Reset(target.EnvBenchmark);
        var result = settings.Search.Run(env, settings.Options, settings.Policy, progress);
        var baselines = settings.Spec.Baselines(env, settings.Cost);
        var validation = env.Validate(Claim(env, settings.Cost, result));

        var files = settings.Spec.WriteResult(env, result.ActionNames, settings.OutputDirectory, target.FileStem);
        return new TuneRecord(target.Program, target.InputHash, settings.Cost, settings.SearchName, settings.Description,
            baselines.O0 ?? result.InitialCost, baselines.Oz, baselines.O3, result.BestCost,
            files.Pipeline, env.Commandline(), result.ActionNames,
            result.Evaluations, clock.Elapsed.TotalSeconds, validation.Ok, validation.ToString(), files.ProgramFile, files.MachineFile, DateTimeOffset.UtcNow);
    }

    // The state with the saving the search claims as its reward, so that replaying it checks the
    // cost too. A cost that is not deterministic (a measured run time) or has no reward space of
    // its name is checked for replaying only.
    private static EnvState Claim(ICompilerEnv env, string cost, SearchResult result) =>
        env.ObservationSpaces.Any(s => s.Name == cost && s.Deterministic) && env.RewardSpaces.Any(r => r.Name == cost)
            ? env.State with { RewardSpace = cost, Reward = result.InitialCost - result.BestCost }
            : env.State;
}
