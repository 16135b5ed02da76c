using System.CommandLine;
using System.Globalization;
using CompilerGym.Agents.Policies;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;
using CompilerGym.Environments;

namespace CompilerGym.Cli.Commands;

/// <summary>
/// <c>cgym eval</c>: CompilerGym's leaderboard evaluation of agents on a list of benchmarks. Per
/// benchmark: the episode reward, the cost against its unoptimized and reference values, and the
/// wall time; their geometric means per agent; a table and a CSV whose every row carries the
/// command that reproduces its state. What is measured is the environment's (<see cref="EvalMetric"/>):
/// on llvm-v0 the reward is IrInstructionCountOz, (C0 − C) / (C0 − C_Oz), the cost the instruction
/// count; on mlir-v0 the reward is the log speed-up over the default lowering, the cost the kernel's run time.
/// </summary>
internal static class EvalCommand
{
    /// <summary>The agents, by the name <c>--agent</c> takes.</summary>
    private static readonly (string Name, string Description)[] s_agents =
    [
        ("policy", "the policy alone: one rollout of its most probable actions"),
        ("policy-sample", "the policy alone: one rollout of actions drawn from it"),
        ("policy-best", "the best state of rollouts drawn from the policy, within --budget steps"),
        ("random", "random search: the best state of uniformly random rollouts, within --budget steps"),
    ];

    public static Command Create()
    {
        var checkpoint = new Option<string?>("--checkpoint", "-c") { Description = "A checkpoint folder of cgym train (needed by the policy agents)" };
        var agents = new Option<string[]>("--agent")
        {
            Description = "Agents to evaluate: " + string.Join("; ", s_agents.Select(a => $"{a.Name} = {a.Description}")) + " (default: policy and random with a checkpoint, random without)",
            AllowMultipleArgumentsPerToken = true,
        };
        agents.AcceptOnlyFromAmong([.. s_agents.Select(a => a.Name)]);
        var benchmarks = new Option<string[]>("--benchmarks", "-b") { Description = "Benchmarks to evaluate on (instead of --set)", AllowMultipleArgumentsPerToken = true };
        var set = new Option<string>("--set") { Description = $"Benchmark set: {string.Join(", ", BenchmarkSets.Names)} (default: the held-out set of the policy's environment: held-out, or mlir-held-out for a policy trained on mlir-v0)" };
        set.AcceptOnlyFromAmong([.. BenchmarkSets.Names]);
        var steps = new Option<int?>("--steps") { Description = "Steps per rollout (default: the policy's episode length, else 45 on llvm-v0 and 6 on mlir-v0)" };
        var budget = new Option<int?>("--budget") { Description = "Steps in all per benchmark for policy-best and random (default: --steps)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the sampled agents", DefaultValueFactory = _ => 1 };
        var actionSpace = CommonOptions.ActionSpace();
        var csv = new Option<string?>("--csv") { Description = "Write the results (and the geometric means) to this CSV file" };
        var remote = CommonOptions.Remote();
        var token = CommonOptions.Token();
        var tokenFile = CommonOptions.TokenFile();
        var command = new Command("eval", "Leaderboard evaluation of a trained policy, alone or with sampling, against random search")
            { checkpoint, agents, benchmarks, set, steps, budget, seed, actionSpace, csv, remote, token, tokenFile };
        command.SetAction(r => CommonOptions.Run(() =>
        {
            string? folder = r.GetValue(checkpoint);
            var chosen = r.GetValue(agents) is { Length: > 0 } given ? given.Distinct().ToArray() : folder is null ? ["random"] : ["policy", "random"];
            if (folder is null && chosen.Any(a => a != "random"))
                throw new ArgumentException("the policy agents need --checkpoint");
            using var policy = folder is null ? null : PpoPolicy.Load(folder);
            // A policy is evaluated where it was trained unless benchmarks are given.
            var trainedOn = policy is null ? CommonOptions.Registry.Default : CommonOptions.Registry.For(policy.Checkpoint.Benchmarks);
            var list = r.GetValue(benchmarks) is { Length: > 0 } b ? b : BenchmarkSets.Get(r.GetValue(set) ?? trainedOn.Defaults.HeldOutSet);
            var spec = CommonOptions.Registry.For(list);
            int rollout = r.GetValue(steps) ?? policy?.EpisodeLength ?? spec.Defaults.EpisodeLength;
            int stepBudget = r.GetValue(budget) ?? rollout;
            if (rollout < 1 || stepBudget < 1) throw new ArgumentException("--steps and --budget must be at least 1");
            var metric = spec.Evaluation;
            string? space = policy?.ActionSpace ?? r.GetValue(actionSpace);
            var env = new EnvOptions(r.GetValue(remote), CommonOptions.GivenToken(r, token, tokenFile), space, RewardSpace: metric.RewardSpace, Environment: spec.Id);
            var results = Evaluate(chosen, list, policy, env, metric, rollout, stepBudget, r.GetValue(seed));
            Print(results, chosen, metric, rollout, stepBudget);
            if (r.GetValue(csv) is { } path) WriteCsv(path, results, chosen);
            return 0;
        }));
        return command;
    }

    /// <summary>One agent's result on one benchmark, replayed to read its count and command line.</summary>
    private sealed record Result(string Agent, string Benchmark, int Steps, double Unoptimized, double Reference, double Cost, double Reward,
        double Seconds, IReadOnlyList<string> Actions, string Commandline)
    {
        public double CostVsReference => Cost / Reference;
        public double ReferenceVsCost => Reference / Cost;
        public double UnoptimizedVsCost => Unoptimized / Cost;
    }

    private static List<Result> Evaluate(string[] agents, IReadOnlyList<string> benchmarks, PpoPolicy? policy, EnvOptions options,
        EvalMetric metric, int steps, int budget, int seed)
    {
        using var env = EnvFactory.Create(options);
        var results = new List<Result>();
        foreach (string agent in agents)
        {
            for (int i = 0; i < benchmarks.Count; i++)
            {
                env.Reset(benchmarks[i], new ResetOptions(options.ActionSpace, RewardSpace: metric.RewardSpace));
                // The baselines are computed once per benchmark, on first use: not by the agent's clock.
                double unoptimized = env.Observe(metric.Unoptimized).AsDouble(), reference = env.Observe(metric.Reference).AsDouble();
                // Each agent and benchmark draws its own numbers, so adding one changes no other's result.
                var random = new Random(ActionSampling.SeedFor(seed, Array.FindIndex(s_agents, a => a.Name == agent), i));
                var result = agent switch
                {
                    "policy" => PolicyRollout.Run(env, policy!, steps, ActionChoice.Greedy, random),
                    "policy-sample" => PolicyRollout.Run(env, policy!, steps, ActionChoice.Sample, random),
                    "policy-best" => PolicyRollout.BestOf(env, policy!, steps, budget, random),
                    _ => PolicyRollout.BestOf(env, new UniformPolicy(env.ActionSpace.Name), steps, budget, random),
                };
                env.Reset();
                env.Step(result.Actions);
                results.Add(new Result(agent, env.Benchmark!, result.Steps, unoptimized, reference, env.Observe(metric.Cost).AsDouble(), result.Reward,
                    result.Elapsed.TotalSeconds, [.. result.Actions.Select(a => env.ActionSpace.Names![a])], env.Commandline()));
            }
        }
        return results;
    }

    /// <summary>The geometric mean, or null when a value is not positive (a reward can be 0 or below).</summary>
    private static double? GeoMean(IEnumerable<double> values)
    {
        var list = values.ToList();
        return list.Count == 0 || list.Any(v => v <= 0) ? null : Math.Exp(list.Average(Math.Log));
    }

    private static void Print(List<Result> results, string[] agents, EvalMetric metric, int steps, int budget)
    {
        CommonOptions.Table(metric.Title,
            ["benchmark", "agent", "steps", "C0", "C_ref", "C", "reward", "C / C_ref", "C_ref / C", "C0 / C", "seconds"],
            results.Select(r => new[] { r.Benchmark, r.Agent, r.Steps.ToString(), r.Unoptimized.ToString("G"), r.Reference.ToString("G"), r.Cost.ToString("G"),
                r.Reward.ToString("F3"), r.CostVsReference.ToString("F3"), r.ReferenceVsCost.ToString("F2"), r.UnoptimizedVsCost.ToString("F2"), r.Seconds.ToString("F2") }));
        CommonOptions.Table($"geometric means over {results.Count / agents.Length} benchmarks ({steps} steps per rollout, budget {budget})",
            ["agent", "reward", "C / C_ref", "C_ref / C", "C0 / C", "seconds", "mean reward"],
            agents.Select(a =>
            {
                var mine = results.Where(r => r.Agent == a).ToList();
                return new[] { a, GeoMean(mine.Select(r => r.Reward))?.ToString("F3") ?? "n/a (a reward <= 0)",
                    GeoMean(mine.Select(r => r.CostVsReference))!.Value.ToString("F3"), GeoMean(mine.Select(r => r.ReferenceVsCost))!.Value.ToString("F2"),
                    GeoMean(mine.Select(r => r.UnoptimizedVsCost))!.Value.ToString("F2"), GeoMean(mine.Select(r => r.Seconds))?.ToString("F2") ?? "n/a",
                    mine.Average(r => r.Reward).ToString("F3") };
            }));
    }

    private static void WriteCsv(string path, List<Result> results, string[] agents)
    {
        static string Field(object? value)
        {
            string text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
            return text.IndexOfAny([',', '"', '\n']) < 0 ? text : $"\"{text.Replace("\"", "\"\"")}\"";
        }
        using var writer = new StreamWriter(path);
        writer.WriteLine("agent,benchmark,steps,cost_unoptimized,cost_reference,cost,reward,cost_vs_reference,seconds,actions,commandline");
        foreach (var r in results)
            writer.WriteLine(string.Join(',', new object[] { r.Agent, r.Benchmark, r.Steps, r.Unoptimized, r.Reference, r.Cost, r.Reward, r.CostVsReference,
                r.Seconds, string.Join(' ', r.Actions), r.Commandline }.Select(Field)));
        foreach (string agent in agents)
        {
            var mine = results.Where(r => r.Agent == agent).ToList();
            writer.WriteLine(string.Join(',', new object?[] { agent, "geomean", "", "", "", "", GeoMean(mine.Select(r => r.Reward)),
                GeoMean(mine.Select(r => r.CostVsReference)), GeoMean(mine.Select(r => r.Seconds)), "", "" }.Select(Field)));
        }
    }
}
