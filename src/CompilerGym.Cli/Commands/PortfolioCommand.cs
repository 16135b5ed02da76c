using System.CommandLine;
using CompilerGym.Agents.Portfolios;
using CompilerGym.Core.Envs;
using CompilerGym.Environments;

namespace CompilerGym.Cli.Commands;

/// <summary>
/// <c>cgym portfolio</c>: learns the fixed sequences that <c>cgym tune --one-shot</c> applies
/// (<see cref="PortfolioLearner"/>) on a set of training programs, in process, and writes them as
/// JSON. The environment ships one learned this way (see <c>EnvSpec.OneShotPortfolio</c>).
/// </summary>
internal static class PortfolioCommand
{
    public static Command Create()
    {
        var defaults = new PortfolioOptions();
        var benchmarks = new Option<string[]>("--benchmarks", "-b") { Description = "Programs to learn on (instead of --set)", AllowMultipleArgumentsPerToken = true };
        var setOption = new Option<string>("--set") { Description = $"Benchmark set to learn on: {string.Join(", ", BenchmarkSets.Names)} (default builtin)" };
        setOption.AcceptOnlyFromAmong([.. BenchmarkSets.Names]);
        var csmith = new Option<int>("--csmith") { Description = "Also learn on this many generated programs, generator://csmith-v0/1 to /N" }.AtLeast(0);
        var cost = new Option<string?>("--cost") { Description = "Cost to lower (default: the environment's, IrInstructionCount for programs)" };
        var actionSpace = new Option<string?>("--action-space") { Description = "Action space of the sequences (default: the environment's first for tuning, llvm-22-tune)" };
        var sequences = new Option<int>("--sequences") { Description = "Sequences in the portfolio: tune --one-shot applies them side by side, one per core", DefaultValueFactory = _ => defaults.Sequences }.AtLeast(1);
        var maxLength = new Option<int>("--max-length") { Description = "Most actions in a sequence, its start included", DefaultValueFactory = _ => defaults.MaxLength }.AtLeast(1);
        var minGain = new Option<double>("--min-gain") { Description = "Least relative gain in the training programs' geometric mean that lengthens a sequence", DefaultValueFactory = _ => defaults.MinGain }.AtLeast(0);
        var extraTime = new Option<double>("--max-extra-time") { Description = "Most time a sequence's actions after its start may take on the training programs, as a share of the start's time", DefaultValueFactory = _ => defaults.MaxExtraTime }.AtLeast(0);
        var output = new Option<string>("--output", "-o") { Description = "File to write the portfolio to", DefaultValueFactory = _ => "portfolio.json" };
        var command = new Command("portfolio", "Learn a portfolio of fixed pass sequences on training programs, for tune --one-shot")
            { benchmarks, setOption, csmith, cost, actionSpace, sequences, maxLength, minGain, extraTime, output };
        command.SetAction(r => CommonOptions.Run(() =>
        {
            var set = (r.GetValue(benchmarks) is { Length: > 0 } given ? given : BenchmarkSets.Get(r.GetValue(setOption) ?? "builtin"))
                .Concat(BenchmarkSets.Csmith(r.GetValue(csmith))).Distinct().ToList();
            var spec = CommonOptions.Registry.For(set);
            string space = r.GetValue(actionSpace) ?? spec.Defaults.TuneActionSpaces?[0] ?? spec.DefaultActionSpace;
            string costName = r.GetValue(cost) ?? spec.Defaults.Cost;
            var starts = spec.FloorActions(space);
            if (starts.Count == 0) throw new ArgumentException($"{space} has no whole pipelines to start a sequence with");
            var options = new PortfolioOptions(r.GetValue(sequences), r.GetValue(maxLength), r.GetValue(minGain), r.GetValue(extraTime));

            var envs = new List<ICompilerEnv>();
            try
            {
                foreach (string benchmark in set)
                {
                    var env = EnvFactory.Create(new EnvOptions(ActionSpace: space, Environment: spec.Id));
                    envs.Add(env);
                    env.Reset(benchmark, new ResetOptions(ActionSpace: space));
                }
                Console.WriteLine($"learning {options.Sequences} sequence(s) of {costName} over {space} on {set.Count} programs, starting from {string.Join(", ", starts)}");
                var portfolio = PortfolioLearner.Learn(envs, space, costName, starts, options, p =>
                    Console.WriteLine($"  sequence {p.Sequence}: {string.Join(", ", p.Actions)}: {p.Ratio:F4} x {starts[0]} ({p.Trials} trials)"));
                File.WriteAllText(r.GetValue(output)!, portfolio.ToJson());
                Console.WriteLine($"portfolio: {r.GetValue(output)}: {portfolio.TrainingRatio:F4} x {starts[0]} on its training programs (geometric mean)");
                return 0;
            }
            finally
            {
                foreach (var env in envs) env.Dispose();
            }
        }));
        return command;
    }
}
