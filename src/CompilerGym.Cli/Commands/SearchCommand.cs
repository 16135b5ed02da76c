using System.CommandLine;
using System.Text.Json.Nodes;
using CompilerGym.Agents.Search;
using CompilerGym.Llvm.Env;

namespace CompilerGym.Cli.Commands;

/// <summary>
/// <c>cgym search</c>: greedy search for a pass sequence that lowers a cost on one benchmark, and
/// the result against LLVM's -Oz and -O3, with the opt-22 command that reproduces it.
/// </summary>
internal static class SearchCommand
{
    // The costs a search can lower, with the prefix of their baseline observations.
    private static readonly Dictionary<string, string> s_baselinePrefix = new()
    {
        ["IrInstructionCount"] = "IrInstructionCount",
        ["ObjectTextSizeBytes"] = "ObjectTextSize",
    };

    public static Command Create()
    {
        var benchmark = CommonOptions.Benchmark();
        var actionSpace = CommonOptions.ActionSpace();
        var cost = new Option<string>("--cost") { Description = "Cost to lower: IrInstructionCount or ObjectTextSizeBytes", DefaultValueFactory = _ => "IrInstructionCount" };
        cost.AcceptOnlyFromAmong([.. s_baselinePrefix.Keys]);
        var maxSteps = new Option<int>("--max-steps") { Description = "Most actions to take", DefaultValueFactory = _ => 40 };
        var json = CommonOptions.Json();
        var command = new Command("search", "Greedy search for a pass sequence that lowers a cost; compares the result with -Oz and -O3")
            { benchmark, actionSpace, cost, maxSteps, json };
        command.SetAction(r => CommonOptions.Run(() =>
            Execute(r.GetValue(benchmark)!, r.GetValue(actionSpace)!, r.GetValue(cost)!, r.GetValue(maxSteps), r.GetValue(json))));
        return command;
    }

    private static int Execute(string benchmark, string actionSpace, string cost, int maxSteps, bool json)
    {
        using var env = new LlvmEnv(actionSpace: actionSpace);
        env.Reset(benchmark);
        string prefix = s_baselinePrefix[cost];
        var result = new GreedySearch().Run(env, new SearchOptions { CostObservation = cost, MaxEpisodeLength = maxSteps });
        if (!json)
            foreach (var step in result.Steps) Console.WriteLine($"  {step.ActionName,-32} {cost} = {step.Cost}");
        double o0 = env.Observe(prefix + "O0").AsDouble(), oz = env.Observe(prefix + "Oz").AsDouble(), o3 = env.Observe(prefix + "O3").AsDouble();
        // CompilerGym's leaderboard score: the share of -Oz's saving reached; above 1 beats -Oz.
        double score = (o0 - result.BestCost) / Math.Max(o0 - oz, 1);

        if (json)
        {
            Console.WriteLine(new JsonObject
            {
                ["benchmark"] = env.Benchmark,
                ["cost"] = cost,
                ["o0"] = o0, ["oz"] = oz, ["o3"] = o3, ["found"] = result.BestCost,
                ["score_vs_oz"] = score,
                ["actions"] = new JsonArray([.. result.Steps.Select(s => (JsonNode)s.ActionName)]),
                ["evaluations"] = result.Evaluations,
                ["seconds"] = result.Elapsed.TotalSeconds,
                ["commandline"] = env.Commandline(),
                ["state"] = JsonNode.Parse(env.State.ToJson()),
            }.ToJsonString());
            return 0;
        }
        CommonOptions.Table($"{env.Benchmark}: {cost}", ["", "value", "vs -Oz"],
        [
            ["unoptimized (O0)", o0.ToString(), (o0 / oz).ToString("F3")],
            ["-O3", o3.ToString(), (o3 / oz).ToString("F3")],
            ["-Oz", oz.ToString(), "1.000"],
            [$"greedy search ({result.Steps.Count} actions)", result.BestCost.ToString(), (result.BestCost / oz).ToString("F3")],
        ]);
        Console.WriteLine($"score (O0 - found) / (O0 - Oz): {score:F3}   ({result.Evaluations} actions tried in {result.Elapsed.TotalSeconds:F1} s)");
        Console.WriteLine("reproduce with:");
        Console.WriteLine($"  {env.Commandline()}");
        return 0;
    }
}
