using System.CommandLine;
using System.Globalization;
using CompilerGym.Agents.Policies;
using CompilerGym.Client;
using CompilerGym.Core.Envs;

namespace CompilerGym.Cli.Commands;

/// <summary>
/// <c>cgym eval</c>: CompilerGym's leaderboard evaluation of agents on a list of benchmarks. Per
/// benchmark: the IrInstructionCountOz episode reward (C0 − C) / (C0 − C_Oz), the instruction
/// count against -Oz's, and the wall time; their geometric means per agent; a table and a CSV
/// whose every row carries the opt-22 command that reproduces its count.
/// </summary>
internal static class EvalCommand
{
    private const string RewardSpace = "IrInstructionCountOz";

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
        var set = new Option<string>("--set") { Description = $"Benchmark set: {string.Join(", ", BenchmarkSets.Names)}", DefaultValueFactory = _ => "held-out" };
        set.AcceptOnlyFromAmong([.. BenchmarkSets.Names]);
        var steps = new Option<int?>("--steps") { Description = "Steps per rollout (default: the policy's episode length, else 45)" };
        var budget = new Option<int?>("--budget") { Description = "Steps in all per benchmark for policy-best and random (default: --steps)" };
        var seed = new Option<int>("--seed") { Description = "Seed of the sampled agents", DefaultValueFactory = _ => 1 };
        var actionSpace = CommonOptions.ActionSpace();
        var csv = new Option<string?>("--csv") { Description = "Write the results (and the geometric means) to this CSV file" };
        var remote = CommonOptions.Remote();
        var token = CommonOptions.Token();
        var command = new Command("eval", "Leaderboard evaluation of a trained policy, alone or with sampling, against random search")
            { checkpoint, agents, benchmarks, set, steps, budget, seed, actionSpace, csv, remote, token };
        command.SetAction(r => CommonOptions.Run(() =>
        {
            string? folder = r.GetValue(checkpoint);
            var chosen = r.GetValue(agents) is { Length: > 0 } given ? given.Distinct().ToArray() : folder is null ? ["random"] : ["policy", "random"];
            if (folder is null && chosen.Any(a => a != "random"))
                throw new ArgumentException("the policy agents need --checkpoint");
            using var policy = folder is null ? null : PpoPolicy.Load(folder);
            int rollout = r.GetValue(steps) ?? policy?.EpisodeLength ?? 45;
            int stepBudget = r.GetValue(budget) ?? rollout;
            if (rollout < 1 || stepBudget < 1) throw new ArgumentException("--steps and --budget must be at least 1");
            var list = r.GetValue(benchmarks) is { Length: > 0 } b ? b : BenchmarkSets.Get(r.GetValue(set)!);
            var env = new EnvOptions(r.GetValue(remote), r.GetValue(token), policy?.ActionSpace ?? r.GetValue(actionSpace), RewardSpace: RewardSpace);
            var results = Evaluate(chosen, list, policy, env, rollout, stepBudget, r.GetValue(seed));
            Print(results, chosen, rollout, stepBudget);
            if (r.GetValue(csv) is { } path) WriteCsv(path, results, chosen);
            return 0;
        }));
        return command;
    }

    /// <summary>One agent's result on one benchmark, replayed to read its count and command line.</summary>
    private sealed record Result(string Agent, string Benchmark, int Steps, long Unoptimized, long Oz, long Instructions, double Reward,
        double Seconds, IReadOnlyList<string> Actions, string Commandline)
    {
        public double SizeVsOz => (double)Instructions / Oz;
    }

    private static List<Result> Evaluate(string[] agents, IReadOnlyList<string> benchmarks, PpoPolicy? policy, EnvOptions options,
        int steps, int budget, int seed)
    {
        using var env = EnvFactory.Create(options);
        var results = new List<Result>();
        foreach (string agent in agents)
        {
            for (int i = 0; i < benchmarks.Count; i++)
            {
                env.Reset(benchmarks[i], new ResetOptions(options.ActionSpace, RewardSpace: RewardSpace));
                // The baselines are computed once per benchmark, on first use: not by the agent's clock.
                long unoptimized = Count(env, "IrInstructionCountO0"), oz = Count(env, "IrInstructionCountOz");
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
                results.Add(new Result(agent, env.Benchmark!, result.Steps, unoptimized, oz, Count(env, "IrInstructionCount"), result.Reward, result.Elapsed.TotalSeconds,
                    [.. result.Actions.Select(a => env.ActionSpace.Names![a])], env.Commandline()));
            }
        }
        return results;
    }

    private static long Count(ICompilerEnv env, string space) => (long)env.Observe(space).AsDouble();

    /// <summary>The geometric mean, or null when a value is not positive (a reward can be 0 or below).</summary>
    private static double? GeoMean(IEnumerable<double> values)
    {
        var list = values.ToList();
        return list.Count == 0 || list.Any(v => v <= 0) ? null : Math.Exp(list.Average(Math.Log));
    }

    private static void Print(List<Result> results, string[] agents, int steps, int budget)
    {
        CommonOptions.Table($"{RewardSpace} reward (C0 - C) / (C0 - C_Oz): above 1 beats -Oz; C / C_Oz below 1 beats -Oz",
            ["benchmark", "agent", "steps", "C0", "C_Oz", "C", "reward", "C / C_Oz", "seconds"],
            results.Select(r => new[] { r.Benchmark, r.Agent, r.Steps.ToString(), r.Unoptimized.ToString(), r.Oz.ToString(), r.Instructions.ToString(),
                r.Reward.ToString("F3"), r.SizeVsOz.ToString("F3"), r.Seconds.ToString("F2") }));
        CommonOptions.Table($"geometric means over {results.Count / agents.Length} benchmarks ({steps} steps per rollout, budget {budget})",
            ["agent", "reward", "C / C_Oz", "seconds", "mean reward"],
            agents.Select(a =>
            {
                var mine = results.Where(r => r.Agent == a).ToList();
                return new[] { a, GeoMean(mine.Select(r => r.Reward))?.ToString("F3") ?? "n/a (a reward <= 0)",
                    GeoMean(mine.Select(r => r.SizeVsOz))!.Value.ToString("F3"), GeoMean(mine.Select(r => r.Seconds))?.ToString("F2") ?? "n/a",
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
        writer.WriteLine("agent,benchmark,steps,instructions_o0,instructions_oz,instructions,reward,size_vs_oz,seconds,actions,commandline");
        foreach (var r in results)
            writer.WriteLine(string.Join(',', new object[] { r.Agent, r.Benchmark, r.Steps, r.Unoptimized, r.Oz, r.Instructions, r.Reward, r.SizeVsOz,
                r.Seconds, string.Join(' ', r.Actions), r.Commandline }.Select(Field)));
        foreach (string agent in agents)
        {
            var mine = results.Where(r => r.Agent == agent).ToList();
            writer.WriteLine(string.Join(',', new object?[] { agent, "geomean", "", "", "", "", GeoMean(mine.Select(r => r.Reward)),
                GeoMean(mine.Select(r => r.SizeVsOz)), GeoMean(mine.Select(r => r.Seconds)), "", "" }.Select(Field)));
        }
    }
}
