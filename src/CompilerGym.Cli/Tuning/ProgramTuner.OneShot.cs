using System.Diagnostics;
using CompilerGym.Agents.Portfolios;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;

namespace CompilerGym.Cli.Tuning;

internal static partial class ProgramTuner
{
    /// <summary>
    /// Tunes one program in one shot (<see cref="OneShot"/>): no search, so it takes about as long
    /// as the slowest of the portfolio's sequences; then the result is validated and written, and
    /// the baselines for the report come last.
    /// </summary>
    public static TuneRecord TuneOneShot(IReadOnlyList<ICompilerEnv> envs, TuneTarget target, TuneSettings settings, Portfolio portfolio)
    {
        var clock = Stopwatch.StartNew();
        var shot = OneShot.Apply(envs, target.EnvBenchmark, portfolio, settings.Cost);
        var found = new Found(new TunePlan(portfolio.ActionSpace, []), shot.Actions, shot.StartCost, shot.Cost, portfolio.Sequences.Count,
            TimeSpan.Zero, TimeSpan.Zero, shot.Holder);
        var settled = Settle(shot.Holder, found, target, settings);
        var files = settled.Files ?? settings.Spec.WriteResult(shot.Holder, target.Program, shot.Actions, settings.OutputDirectory, target.FileStem);
        var validation = settled.Validation.ToString();
        bool valid = settled.Validation.Ok;
        if (settings.Test is { } test) (valid, validation) = test.Check(files, settings.OutputDirectory, valid, validation);
        var baselines = settings.Spec.Baselines(shot.Holder, settings.Cost);
        return new TuneRecord(target.Program, target.InputHash, settings.Cost, settings.SearchName, settings.Description,
            baselines.O0 ?? shot.StartCost, baselines.Oz, baselines.O3, shot.Cost, files.Pipeline, settled.Commandline, shot.Actions,
            portfolio.Sequences.Count, clock.Elapsed.TotalSeconds, valid, validation, files.ProgramFile, files.MachineFile, DateTimeOffset.UtcNow,
            settings.CompilerVersion, target.Target, files.Toolchain, files.InputFile, files.ScriptFile, files.ExecutableFile);
    }
}
