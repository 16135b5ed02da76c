using System.Collections.Concurrent;
using System.CommandLine;
using CompilerGym.Agents.Policies;
using CompilerGym.Agents.Search;
using CompilerGym.Cli.Tuning;
using CompilerGym.Client;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;
using CompilerGym.Environments;
using Spectre.Console;

namespace CompilerGym.Cli.Commands;

/// <summary>
/// <c>cgym tune</c>: batch tuning of programs. For each, searches within a budget find the pass
/// sequence with the lowest cost, in each of the environment's tuning action spaces from its floor
/// (the cheapest standard pipeline, where the space has them); the best result is validated by
/// replay, its files are written (bitcode, object file, executable, and a script that remakes them with
/// stock tools), the user's --test runs on them, and a row with its provenance goes to the SQLite
/// results store, which also lets an interrupted run resume. With --jobs N, N programs are tuned side by
/// side, each with envs of its own. Ends with a table and a plot against -Oz.
/// </summary>
internal static class TuneCommand
{
    private sealed record Arguments(string[] Programs, string Cost, string Search, double Seconds, int? MaxSteps, int MaxLength,
        int BeamWidth, int Seed, int Jobs, int TrialEnvs, string Output, string? ActionSpace, string? Remote, string? Token, string? Policy, UserTest? Test, string? Target, EnvSpec Spec,
        Portfolio? OneShot)
    {
        /// <summary>The search as results are stored under it: a policy-guided search is another search, and one shot none.</summary>
        public string SearchName => OneShot is not null ? OneShotName : Policy is null ? Search : $"{Search}+policy";
    }

    private const string OneShotName = "one-shot";

    public static Command Create()
    {
        var programs = new Argument<string[]>("programs")
        {
            Description = "Programs: benchmark URIs (benchmark://builtin-v0/qsort), C, .ll or .bc files, folders of C files, compile_commands.json files",
            Arity = ArgumentArity.OneOrMore,
        };
        var cost = new Option<string?>("--cost") { Description = "Scalar observation to lower (IrInstructionCount, ObjectTextSizeBytes, ...; default: the environment's, IrInstructionCount for programs, Runtime for mlir-v0 kernels)" };
        var search = new Option<string?>("--search") { Description = "Search method (default: the environment's, beam for programs; random for mlir-v0 kernels, whose every step builds and times the kernel)" };
        search.AcceptOnlyFromAmong("random", "greedy", "beam");
        var seconds = new Option<double>("--time") { Description = "Wall time per program in seconds, from reset to written files (0: no time limit)", DefaultValueFactory = _ => 10 }.AtLeast(0);
        var maxSteps = new Option<int?>("--max-steps") { Description = "Most steps to try per program (with --time 0, a run is deterministic for its seed)" }.AtLeast(0);
        var maxLength = new Option<int?>("--max-length") { Description = "Most actions a search adds to the floor (default: the environment's, 40 for programs, 8 for mlir-v0 kernels)" };
        var beamWidth = new Option<int>("--beam-width") { Description = "Widest beam: beam search widens 1, 2, 4, ... up to it while the budget lasts", DefaultValueFactory = _ => 8 }.AtLeast(1);
        var seed = new Option<int>("--seed") { Description = "Seed of random search", DefaultValueFactory = _ => 0 };
        var jobs = new Option<int>("--jobs", "-j")
        {
            Description = "Programs tuned side by side, each with envs of its own (with --remote, sessions, which a cluster spreads over its silos); " +
                "results are the same as one at a time",
            DefaultValueFactory = _ => 1,
        }.AtLeast(1);
        var trialEnvs = new Option<int>("--trial-envs")
        {
            Description = "Envs each greedy or beam search tries actions on side by side (with --remote, sessions, which a cluster spreads over its silos): " +
                "for large programs, where a trial takes much longer than bringing another env to the state tried; results are the same as with one",
            DefaultValueFactory = _ => 1,
        }.AtLeast(1);
        var output = new Option<string>("--output", "-o") { Description = "Folder for the results store, the optimized files and the plot", DefaultValueFactory = _ => "cgym-tune" };
        var actionSpace = new Option<string?>("--action-space")
        {
            Description = "Action space to search (default: the environment's for tuning, llvm-22-tune then llvm-22-passes for programs; with --policy, the policy's)",
        };
        var remote = CommonOptions.Remote();
        var token = CommonOptions.Token();
        var tokenFile = CommonOptions.TokenFile();
        var policy = new Option<string?>("--policy") { Description = "A checkpoint folder of cgym train: its policy orders (greedy, beam) or samples (random) the candidates" };
        var test = new Option<string?>("--test")
        {
            Description = $"A shell command that tests each tuned program after validation: the tuned executable's path is in ${UserTest.Variable} " +
                "and stands for {} (the object file where none links); a non-zero exit makes the result invalid",
        };
        var testTime = new Option<double>("--test-time") { Description = "Seconds the --test command may take per program", DefaultValueFactory = _ => 60 }.AtLeast(0, above: true);
        var target = new Option<string?>("--target")
        {
            Description = "Target triple to compile and measure for (aarch64-linux-gnu, riscv64-linux-gnu; default x86_64-pc-linux-gnu): C programs are compiled for it, object code, its size and the -Oz/-O3 baselines are its",
        };
        var oneShot = new Option<bool>("--one-shot")
        {
            Description = "No search: apply each sequence of a learned portfolio whole, side by side (one per core), and keep the cheapest; about as fast as -Oz itself",
        };
        var portfolio = new Option<string?>("--portfolio") { Description = "With --one-shot, a portfolio file of cgym portfolio (default: the one learned for the cost on the built-in and generated programs)" };
        var command = new Command("tune", "Find the best pass pipeline of each program within a budget; write validated results, optimized files and a report")
            { programs, cost, search, seconds, maxSteps, maxLength, beamWidth, seed, jobs, trialEnvs, output, actionSpace, remote, token, tokenFile, policy, test, testTime, target, oneShot, portfolio };
        command.SetAction(r => CommonOptions.Run(() =>
        {
            var given = r.GetValue(programs)!;
            var spec = CommonOptions.Registry.For(given);
            string costName = r.GetValue(cost) ?? spec.Defaults.Cost;
            if (r.GetValue(portfolio) is not null && !r.GetValue(oneShot)) throw new ArgumentException("--portfolio is for --one-shot");
            Option[] searchOnly = [search, seconds, maxSteps, maxLength, beamWidth, seed, actionSpace, policy, trialEnvs];
            if (r.GetValue(oneShot) && searchOnly.FirstOrDefault(o => r.GetResult(o) is { Implicit: false }) is { } clash)
                throw new ArgumentException($"--one-shot does not search: {clash.Name} does not apply");
            var shots = !r.GetValue(oneShot) ? null : r.GetValue(portfolio) is { } file ? Portfolio.Load(file)
                : spec.OneShotPortfolio(costName) ?? throw new ArgumentException($"{spec.Id} has no portfolio for {costName}: learn one with cgym portfolio --cost {costName}");
            string searchName = r.GetValue(search) ?? spec.Defaults.Search;
            if (searchName == "random" && r.GetValue(trialEnvs) > 1)
                throw new ArgumentException("--trial-envs is for greedy and beam search: random search's episodes run one after another");
            if (shots is not null && shots.Cost != costName) throw new ArgumentException($"the portfolio lowers {shots.Cost}, not {costName}");
            return Execute(new Arguments(given, costName, searchName,
                r.GetValue(seconds), r.GetValue(maxSteps), r.GetValue(maxLength) ?? spec.Defaults.MaxLength, r.GetValue(beamWidth), r.GetValue(seed), r.GetValue(jobs), r.GetValue(trialEnvs), r.GetValue(output)!,
                r.GetValue(actionSpace), r.GetValue(remote), CommonOptions.GivenToken(r, token, tokenFile), r.GetValue(policy),
                r.GetValue(test) is { } testCommand ? new UserTest(testCommand, TimeSpan.FromSeconds(r.GetValue(testTime))) : null,
                r.GetValue(target), spec, shots));
        }));
        return command;
    }

    private static int Execute(Arguments a)
    {
        using var policy = a.Policy is null ? null : PpoPolicy.Load(a.Policy);
        // A policy chooses among the actions it was trained on, so by default the search uses its space.
        IReadOnlyList<string> actionSpaces = a.OneShot is { } shots ? [shots.ActionSpace] : a.ActionSpace is { } given ? [given] : policy is not null ? [policy.ActionSpace]
            : a.Spec.Defaults.TuneActionSpaces ?? [a.Spec.DefaultActionSpace];
        var envOptions = new EnvOptions(a.Remote, a.Token, actionSpaces[0], Environment: a.Spec.Id);
        using var env = EnvFactory.Create(envOptions);
        CheckCost(env, a.Cost);
        // A portfolio names its actions: one the space lacks fails here, before any program is tuned.
        foreach (string action in a.OneShot?.Sequences.SelectMany(s => s) ?? []) env.ActionSpace.IndexOf(action);
        if (policy is not null && policy.ActionSpace != env.ActionSpace.Name)
            throw new ArgumentException($"the policy was trained on {policy.ActionSpace}, not {env.ActionSpace.Name}");
        // The compiler that runs the passes: a server's own, when the env is remote.
        string compiler = env is RemoteEnv remote ? $"LLVM {remote.ServerLlvmVersion}" : a.Spec.CompilerVersion;
        var settings = Settings(a, actionSpaces, policy, compiler);
        // Every input is resolved (and C compiled) before any tuning, so a typo fails at once.
        var targets = a.Programs.Select(p => TuneTarget.Resolve(a.Target is null ? p : a.Spec.WithTarget(p, a.Target), a.Spec, env)).ToList();
        Directory.CreateDirectory(a.Output);
        using var store = new ResultsStore(Path.Combine(a.Output, ResultsStore.FileName));
        // A job's env per plan where there are cores for them (a server runs each session in a worker
        // of its own), so that the plans search side by side; see ProgramTuner. The first job's first
        // env is the one above.
        int jobCount = Math.Max(1, Math.Min(a.Jobs, targets.Count));
        int plans = a.OneShot?.Sequences.Count ?? actionSpaces.Count;
        int lanesPerJob = Math.Min(plans, a.Remote is null ? Math.Max(1, Environment.ProcessorCount / jobCount) : plans);
        using var jobs = new TuneJobs([.. Enumerable.Range(0, jobCount)
            .Select(job => new EnvLanes(job == 0 ? env : null, lanesPerJob, a.OneShot is null ? a.TrialEnvs - 1 : 0, () => EnvFactory.Create(envOptions)))]);
        // The same program given twice is tuned once: the second waits for the first and finds its record.
        var tuning = new ConcurrentDictionary<string, Lock>();

        (TuneTarget Target, TuneRecord Record) TuneOne(EnvLanes lanes, TuneTarget target, ITuneProgress progress)
        {
            lock (tuning.GetOrAdd(target.Program, _ => new Lock()))
            {
                var record = store.Find(target.Program, target.InputHash, a.Cost, a.SearchName, settings.Description, compiler, target.Target);
                bool skipped = record is not null;
                if (record is null)
                {
                    var report = progress.Start(target, () => lanes.Name(target));
                    record = a.OneShot is { } shots ? ProgramTuner.TuneOneShot(lanes.Envs, target, settings, shots)
                        : ProgramTuner.Tune(lanes.Envs, lanes.Helpers, target, settings, report);
                    store.Save(record);
                }
                progress.Finish(target, skipped ? target.Name : lanes.Name(target), record, skipped);
                return (target, record);
            }
        }
        List<(TuneTarget Target, TuneRecord Record)> TuneAll(ITuneProgress progress) => [.. jobs.Run(targets, (lanes, target) => TuneOne(lanes, target, progress))];
        var results = AnsiConsole.Profile.Capabilities.Interactive
            ? AnsiConsole.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(context => TuneAll(new LiveProgress(context, settings.Options)))
            : TuneAll(new LineProgress());

        TuneReport.PrintTable($"{a.Cost}, {settings.Description}", results);
        string plot = Path.Combine(a.Output, TuneReport.PlotFileName);
        Console.WriteLine(TuneReport.Plot(results, plot) ? $"plot: {plot}" : $"no plot: {a.Cost} has no -Oz baseline");
        Console.WriteLine($"results: {Path.Combine(a.Output, ResultsStore.FileName)}; {a.Spec.ResultFiles} in {a.Output}");
        int invalid = results.Count(x => !x.Record.Valid);
        if (invalid == 0) return 0;
        Console.Error.WriteLine($"cgym: error: {invalid} result(s) did not validate");
        return 1;
    }

    private static TuneSettings Settings(Arguments a, IReadOnlyList<string> actionSpaces, IActionPolicy? policy, string compilerVersion)
    {
        var options = new SearchOptions
        {
            CostObservation = a.Cost,
            TimeLimit = a.Seconds > 0 ? TimeSpan.FromSeconds(a.Seconds) : null,
            MaxEvaluations = a.MaxSteps,
            MaxEpisodeLength = a.MaxLength,
            Seed = a.Seed,
        };
        ISearch search = a.Search switch
        {
            "random" => new RandomSearch(),
            "greedy" => new GreedySearch(),
            _ => new BeamSearch(a.BeamWidth),
        };
        List<TunePlan> plans = [.. actionSpaces.Select(space => new TunePlan(space, a.Spec.FloorActions(space)))];
        string budget = string.Join(" and ", new[] { options.TimeLimit is { } t ? $"{t.TotalSeconds:G} s" : null, a.MaxSteps is { } n ? $"{n} steps" : null }.OfType<string>());
        string description = $"{(search is BeamSearch beam ? $"beam search of width up to {beam.MaxWidth}" : $"{search.Name} search")}" +
            $"{(policy is null ? "" : $" guided by the policy in {a.Policy}")} over {string.Join(" and over ", plans.Select(Describe))}" +
            $"{(search is RandomSearch ? $" (seed {a.Seed})" : "")}, {(budget.Length > 0 ? budget : "no budget")} per program{(plans.Count > 1 ? " shared" : "")}, " +
            $"at most {a.MaxLength} actions{(plans.Any(p => p.FloorActions.Count > 0) ? " after the floor" : "")}" +
            // Another test is another tuning: a result stored without it has not passed it.
            (a.Test is { } test ? $", tested by `{test.Command}` ({test.TimeLimit.TotalSeconds:G} s)" : "");
        if (a.OneShot is { } shots)
            description = $"one shot: the cheapest of {shots.Sequences.Count} sequence(s) over {shots.ActionSpace} " +
                $"({string.Join("; ", shots.Sequences.Select(s => string.Join(", ", s)))})" +
                (a.Test is { } tested ? $", tested by `{tested.Command}` ({tested.TimeLimit.TotalSeconds:G} s)" : "");
        return new TuneSettings(a.Spec, a.Cost, search, a.SearchName, policy, options, plans, description, a.Output, compilerVersion, a.Test);
    }

    private static string Describe(TunePlan plan) =>
        plan.FloorActions.Count > 0 ? $"{plan.ActionSpace} from the best of {string.Join(", ", plan.FloorActions)}" : plan.ActionSpace;

    /// <summary>Throws unless the env has a scalar observation of this name.</summary>
    private static void CheckCost(ICompilerEnv env, string cost)
    {
        var space = env.ObservationSpaces.FirstOrDefault(s => s.Name == cost);
        if (space?.Kind is not (SpaceKind.Int64Scalar or SpaceKind.Float64Scalar))
            throw new ArgumentException($"the cost must be a scalar observation; '{cost}' is {(space is null ? "unknown" : space.Kind.ToString())} " +
                $"(scalars: {string.Join(", ", env.ObservationSpaces.Where(s => s.Kind is SpaceKind.Int64Scalar or SpaceKind.Float64Scalar).Select(s => s.Name))})");
    }
}
