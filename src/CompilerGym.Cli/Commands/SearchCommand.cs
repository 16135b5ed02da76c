using System.CommandLine;
using System.Text.Json.Nodes;
using CompilerGym.Agents.Search;
using CompilerGym.Core.Environments;

namespace CompilerGym.Cli.Commands;

/// <summary>
/// <c>cgym search</c>: greedy search for a pass sequence that lowers a cost on one benchmark, and
/// the result against the environment's baselines (LLVM's -Oz and -O3), with the command that reproduces it.
/// </summary>
internal static class SearchCommand
{
    public static Command Create()
    {
        var benchmark = CommonOptions.Benchmark();
        var actionSpace = CommonOptions.ActionSpace();
        var cost = new Option<string?>("--cost") { Description = "Cost to lower: a scalar observation with baselines, e.g. IrInstructionCount or ObjectTextSizeBytes (default: the environment's cost)" };
        var maxSteps = new Option<int>("--max-steps") { Description = "Most actions to take", DefaultValueFactory = _ => 40 };
        var json = CommonOptions.Json();
        var command = new Command("search", "Greedy search for a pass sequence that lowers a cost; compares the result with -Oz and -O3")
            { benchmark, actionSpace, cost, maxSteps, json };
        command.SetAction(r => CommonOptions.Run(() =>
            Execute(r.GetValue(benchmark)!, r.GetValue(actionSpace), r.GetValue(cost), r.GetValue(maxSteps), r.GetValue(json))));
        return command;
    }

    private static int Execute(string benchmark, string? actionSpace, string? costName, int maxSteps, bool json)
    {
        var spec = CommonOptions.Registry.For(benchmark);
        string cost = costName ?? spec.Defaults.Cost;
        using var env = spec.Make(new EnvSettings(actionSpace));
        env.Reset(benchmark);
        var baselines = spec.Baselines(env, cost);
        if (baselines is not { O0: { } o0, Oz: { } oz })
            throw new ArgumentException($"the cost must be a scalar observation with baselines; '{cost}' has none in {spec.Id}");
        var result = new GreedySearch().Run(env, new SearchOptions { CostObservation = cost, MaxEpisodeLength = maxSteps });
        if (!json)
            foreach (var step in result.Steps) Console.WriteLine($"  {step.ActionName,-32} {cost} = {step.Cost}");
        // CompilerGym's leaderboard score: the share of the reference's saving reached; above 1 beats it.
        double score = (o0 - result.BestCost) / Math.Max(o0 - oz, 1);
        string reference = spec.ReferenceName;

        if (json)
        {
            Console.WriteLine(new JsonObject
            {
                ["benchmark"] = env.Benchmark,
                ["cost"] = cost,
                ["o0"] = o0, ["oz"] = oz, ["o3"] = baselines.O3, ["found"] = result.BestCost,
                ["score_vs_oz"] = score,
                ["actions"] = new JsonArray([.. result.Steps.Select(s => (JsonNode)s.ActionName)]),
                ["evaluations"] = result.Evaluations,
                ["seconds"] = result.Elapsed.TotalSeconds,
                ["commandline"] = env.Commandline(),
                ["state"] = JsonNode.Parse(env.State.ToJson()),
            }.ToJsonString());
            return 0;
        }
        CommonOptions.Table($"{env.Benchmark}: {cost}", ["", "value", $"vs {reference}"],
        [
            ["unoptimized (O0)", o0.ToString(), (o0 / oz).ToString("F3")],
            .. baselines.O3 is { } o3 ? new[] { new[] { "-O3", o3.ToString(), (o3 / oz).ToString("F3") } } : [],
            [reference, oz.ToString(), "1.000"],
            [$"greedy search ({result.Steps.Count} actions)", result.BestCost.ToString(), (result.BestCost / oz).ToString("F3")],
        ]);
        Console.WriteLine($"score (O0 - found) / (O0 - {reference.TrimStart('-')}): {score:F3}   ({result.Evaluations} actions tried in {result.Elapsed.TotalSeconds:F1} s)");
        Console.WriteLine("reproduce with:");
        Console.WriteLine($"  {env.Commandline()}");
        return 0;
    }
}
