using System.CommandLine;
using CompilerGym.Agents.Policies;
using CompilerGym.Client;
using CompilerGym.Core.Envs;
using CompilerGym.Core.Environments;
using CompilerGym.Environments;
using Spectre.Console;

namespace CompilerGym.Cli.Commands;

/// <summary>
/// <c>cgym train</c>: trains a PPO policy on a set of benchmarks (llvm-v0 programs or mlir-v0
/// kernels, each with its own default settings) and writes, in its output folder,
/// the learning curve (<c>learning-curve.csv</c>, <c>learning-curve.png</c>) and the checkpoint
/// (<c>checkpoint/</c>, saved every few updates and at the end or on Ctrl+C). <c>--resume</c>
/// continues a run from its checkpoint with its saved options and benchmarks; only its total
/// steps (and, if given, the benchmarks) can change.
/// </summary>
internal static class TrainCommand
{
    public const string CheckpointFolder = "checkpoint";
    public const string CurveCsv = "learning-curve.csv";
    public const string CurvePng = "learning-curve.png";

    public static Command Create()
    {
        var benchmarks = new Option<string[]>("--benchmarks", "-b")
        {
            Description = "Benchmarks to train on (instead of --set)",
            AllowMultipleArgumentsPerToken = true,
        };
        var setOption = new Option<string>("--set")
        {
            Description = $"Benchmark set: {string.Join(", ", BenchmarkSets.Names)} (default {CommonOptions.Registry.Default.Defaults.TrainingSet}: " +
                $"the built-in programs less those of {CommonOptions.Registry.Default.Defaults.HeldOutSet}; mlir-training trains on mlir-v0 kernels)",
        };
        setOption.AcceptOnlyFromAmong([.. BenchmarkSets.Names]);
        var csmith = new Option<int>("--csmith") { Description = "Also train on this many generated programs, generator://csmith-v0/1 to /N" };
        var output = new Option<string>("--output", "-o") { Description = "Folder for the learning curve and the checkpoint", DefaultValueFactory = _ => "ppo-run" };
        var resume = new Option<string?>("--resume") { Description = "Continue the run whose checkpoint folder this is" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Save the checkpoint every N updates", DefaultValueFactory = _ => 10 };
        var steps = new Option<long?>("--steps") { Description = $"Environment steps in all (default {new PpoOptions().TotalSteps}; {string.Join("; ", CommonOptions.Registry.All.Where(e => e.Defaults.Training.TotalSteps is not null).Select(e => $"{e.Id} {e.Defaults.Training.TotalSteps}"))})" };
        var envs = new Option<int?>("--envs") { Description = $"Environments stepped in parallel (default {new PpoOptions().Envs})" };
        var seed = new Option<int?>("--seed") { Description = $"Seed of the whole run (default {new PpoOptions().Seed})" };
        var episodeLength = new Option<int?>("--episode-length") { Description = $"Steps per episode (default {new PpoOptions().EpisodeLength})" };
        var episodesPerUpdate = new Option<int?>("--episodes-per-update") { Description = $"Episodes per environment per update (default {new PpoOptions().EpisodesPerUpdate})" };
        var minibatches = new Option<int?>("--minibatches") { Description = $"Minibatches per update epoch (default {new PpoOptions().Minibatches})" };
        var learningRate = new Option<double?>("--learning-rate") { Description = $"Adam's learning rate at the start (default {new PpoOptions().LearningRate})" };
        var remote = CommonOptions.Remote();
        var token = CommonOptions.Token();
        var tokenFile = CommonOptions.TokenFile();
        var command = new Command("train", "Train a PPO policy (TorchSharp): pass ordering with the IrInstructionCountOz reward (llvm-v0), loop-nest schedules with the RuntimeLogSpeedup reward (mlir-v0)")
        {
            benchmarks, setOption, csmith, output, resume, checkpointEvery, steps, envs, seed, episodeLength, episodesPerUpdate, minibatches,
            learningRate, remote, token, tokenFile,
        };
        command.SetAction((r, cancellation) => Task.FromResult(CommonOptions.Run(() =>
        {
            string? resumeFrom = r.GetValue(resume);
            Option[] hyperparameters = [envs, seed, episodeLength, episodesPerUpdate, minibatches, learningRate];
            if (resumeFrom is not null && hyperparameters.Any(h => r.GetResult(h) is not null))
                throw new ArgumentException("--resume continues a run with its saved options; only --steps and the benchmarks can be given with it");
            var saved = resumeFrom is null ? null : PpoCheckpoint.Load(resumeFrom);
            // A resumed run keeps its benchmarks unless others are given.
            var set = (r.GetValue(benchmarks) is { Length: > 0 } given ? given
                    : r.GetValue(setOption) is { } name ? BenchmarkSets.Get(name) : saved?.Benchmarks ?? BenchmarkSets.Get(CommonOptions.Registry.Default.Defaults.TrainingSet))
                .Concat(BenchmarkSets.Csmith(r.GetValue(csmith))).Distinct().ToList();
            var spec = CommonOptions.Registry.For(set);
            var defaults = DefaultsFor(spec);
            var options = saved?.Options ?? defaults with
            {
                Seed = r.GetValue(seed) ?? defaults.Seed,
                Envs = r.GetValue(envs) ?? defaults.Envs,
                EpisodeLength = r.GetValue(episodeLength) ?? defaults.EpisodeLength,
                EpisodesPerUpdate = r.GetValue(episodesPerUpdate) ?? defaults.EpisodesPerUpdate,
                Minibatches = r.GetValue(minibatches) ?? defaults.Minibatches,
                LearningRate = r.GetValue(learningRate) ?? defaults.LearningRate,
            };
            if (r.GetValue(steps) is { } total) options = options with { TotalSteps = total };
            var env = new EnvOptions(r.GetValue(remote), CommonOptions.GivenToken(r, token, tokenFile), options.ActionSpace, RewardSpace: options.RewardSpace, Environment: spec.Id);
            return Execute(options, set, env, r.GetValue(output)!, resumeFrom, saved?.Update ?? 0, r.GetValue(checkpointEvery), cancellation);
        })));
        return command;
    }

    /// <summary>PPO's options on an environment: its action space, reward and episode length, and what it changes of PPO's defaults.</summary>
    private static PpoOptions DefaultsFor(EnvSpec spec)
    {
        var ppo = new PpoOptions();
        var training = spec.Defaults.Training;
        return ppo with
        {
            ActionSpace = spec.DefaultActionSpace,
            RewardSpace = spec.Defaults.RewardSpace,
            EpisodeLength = spec.Defaults.EpisodeLength,
            TotalSteps = training.TotalSteps ?? ppo.TotalSteps,
            Envs = training.Envs ?? ppo.Envs,
            EpisodesPerUpdate = training.EpisodesPerUpdate ?? ppo.EpisodesPerUpdate,
            Hidden = training.Hidden ?? ppo.Hidden,
            LearningRate = training.LearningRate ?? ppo.LearningRate,
        };
    }

    private static int Execute(PpoOptions options, List<string> benchmarks, EnvOptions env, string output, string? resumeFrom,
        int resumedAt, int checkpointEvery, CancellationToken cancellation)
    {
        options.Validate();
        Directory.CreateDirectory(output);
        string where = env.Remote is null ? "in process" : $"on {env.Remote}";
        Console.WriteLine($"PPO: {benchmarks.Count} benchmarks, {options.Envs} envs {where}, {options.Updates} updates of {options.StepsPerUpdate} steps, seed {options.Seed}" +
            (resumeFrom is null ? "" : $", resuming after update {resumedAt}"));

        string csv = Path.Combine(output, CurveCsv), checkpointFolder = Path.Combine(output, CheckpointFolder);
        PpoCheckpoint final;
        IEnvBatch? envs = null;
        using (var curve = new LearningCurve(csv, resumedAt))
        {
            final = AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    var task = context.AddTask("training", maxValue: options.Updates);
                    task.Value = resumedAt;
                    return Ppo.Train(options, count => envs = EnvFactory.CreateBatch(env, count), benchmarks, checkpointFolder, resumeFrom, checkpointEvery, update =>
                    {
                        curve.Add(update);
                        task.Description = Markup.Escape($"update {update.Update}/{update.Updates}: reward {update.MeanEpisodeReward:F3}, entropy {update.Entropy:F2}, {update.StepsPerSecond:F0} steps/s");
                        task.Value = update.Update;
                    }, cancellation);
                });
        }
        LearningCurve.Plot(csv, Path.Combine(output, CurvePng));
        Console.WriteLine($"{final.Update} updates, {final.Steps} steps in {final.Seconds:F0} s; checkpoint: {checkpointFolder}; learning curve: {csv}");
        // On a cluster, where its sessions were placed.
        if (RemoteEnv.Hosts(envs?.Envs ?? []) is { Count: > 0 } silos) Console.WriteLine($"{options.Envs} envs on {string.Join(", ", silos)}");
        return 0;
    }
}
