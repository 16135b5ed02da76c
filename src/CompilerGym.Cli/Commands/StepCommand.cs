using System.CommandLine;
using System.Text.Json.Nodes;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;

namespace CompilerGym.Cli.Commands;

/// <summary>
/// <c>cgym step</c>: applies an action sequence to a benchmark and prints the chosen observations,
/// the episode's rewards, the reproducing command and the state.
/// </summary>
internal static class StepCommand
{
    public static Command Create()
    {
        var benchmark = CommonOptions.Benchmark();
        var actionSpace = CommonOptions.ActionSpace();
        var actions = CommonOptions.Actions();
        var observations = new Option<string[]>("--observation", "-o")
        {
            Description = "Observation spaces to print (repeatable); e.g. Autophase, InstCount, IrSha1, Ir (default: the environment's costs and their baselines)",
            AllowMultipleArgumentsPerToken = true,
        };
        var rewards = new Option<string[]>("--reward", "-r")
        {
            Description = "Reward spaces whose episode total to print (repeatable); the first is the state's reward (default: the environment's cost rewards)",
            AllowMultipleArgumentsPerToken = true,
        };
        var trace = new Option<bool>("--trace") { Description = "Also print each action's effect, step by step" };
        var json = CommonOptions.Json();
        var command = new Command("step", "Apply actions to a benchmark and print observations, rewards and the opt-22 command")
            { benchmark, actionSpace, actions, observations, rewards, trace, json };
        command.SetAction(r => CommonOptions.Run(() =>
        {
            string uri = r.GetValue(benchmark)!;
            var spec = CommonOptions.Registry.For(uri);
            return Execute(spec, uri, r.GetValue(actionSpace), r.GetValue(actions)!, r.GetValue(observations) is { Length: > 0 } o ? o : [.. spec.Defaults.StepObservations],
                r.GetValue(rewards) is { Length: > 0 } w ? w : [.. spec.Defaults.StepRewards], r.GetValue(trace), r.GetValue(json));
        }));
        return command;
    }

    private static int Execute(EnvSpec spec, string benchmark, string? actionSpace, string actionText, string[] observations, string[] rewards, bool trace, bool json)
    {
        using var env = spec.Make(new EnvSettings(actionSpace, RewardSpace: rewards.FirstOrDefault()));
        // Unknown names fail before any work.
        foreach (string o in observations) _ = spec.ObservationSpaces.FirstOrDefault(s => s.Name == o)
            ?? throw new UnknownNameException($"unknown observation space '{o}' (known: {string.Join(", ", spec.ObservationSpaces.Select(s => s.Name))})");
        var names = CommonOptions.ParseActions(env.ActionSpace, actionText);
        env.Reset(benchmark);

        var steps = new List<(string Action, StepResult Result)>();
        rewards = [.. rewards.Distinct()];
        observations = [.. observations.Distinct()];
        var totals = rewards.ToDictionary(n => n, _ => 0.0);
        // With --trace each action is its own step, and each step also reports the cost.
        string cost = spec.Defaults.Cost;
        var stepOptions = new StepOptions(trace ? [cost] : null, rewards);
        var batches = trace ? names.Select(n => (IReadOnlyList<string>)[n]) : [names];
        foreach (var batch in batches)
        {
            var result = env.StepByName(batch, stepOptions);
            foreach (var (n, v) in result.Info.Rewards) totals[n] += v;
            if (trace) steps.Add((batch[0], result));
        }
        var values = observations.ToDictionary(o => o, env.Observe);
        var state = env.State;

        if (json)
        {
            var root = new JsonObject
            {
                ["benchmark"] = env.Benchmark,
                ["action_space"] = env.ActionSpace.Name,
                ["actions"] = new JsonArray([.. names.Select(n => (JsonNode)n)]),
                ["observations"] = new JsonObject(values.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value.ToJson()))),
                ["rewards"] = new JsonObject(totals.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
                ["commandline"] = env.Commandline(),
                ["state"] = JsonNode.Parse(state.ToJson()),
            };
            if (trace)
                root["trace"] = new JsonArray([.. steps.Select(s => (JsonNode)new JsonObject
                {
                    ["action"] = s.Action,
                    ["ir_changed"] = s.Result.Info.IrChanged,
                    ["cost"] = s.Result.Info.Observations[cost].AsDouble(),
                    ["seconds"] = s.Result.Info.Seconds,
                })]);
            Console.WriteLine(root.ToJsonString());
            return 0;
        }

        if (trace)
            CommonOptions.Table("steps", ["#", "action", "changed", cost, "ms", .. rewards],
                steps.Select((s, i) => (string[])
                [
                    (i + 1).ToString(), s.Action, s.Result.Info.IrChanged ? "yes" : "no",
                    s.Result.Info.Observations[cost].ToString(), (s.Result.Info.Seconds * 1e3).ToString("F3"),
                    .. rewards.Select(n => s.Result.Info.Rewards[n].ToString("G4")),
                ]));
        Console.WriteLine($"benchmark: {env.Benchmark}");
        Console.WriteLine($"actions:   {names.Count} from {env.ActionSpace.Name}");
        CommonOptions.Table("observations", ["space", "value"], values.Select(kv => new[] { kv.Key, kv.Value.ToString() }));
        CommonOptions.Table("episode rewards", ["space", "total"], totals.Select(kv => new[] { kv.Key, kv.Value.ToString("G6") }));
        Console.WriteLine("reproduce with:");
        Console.WriteLine($"  {env.Commandline()}");
        Console.WriteLine("state:");
        Console.WriteLine($"  {state.ToJson()}");
        return 0;
    }
}
