using System.CommandLine;
using System.Text.Json.Nodes;
using CompilerGym.Core.Spaces;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Env;

namespace CompilerGym.Cli.Commands;

/// <summary><c>cgym spaces</c>: the action, observation and reward spaces; with --actions, one space's actions.</summary>
internal static class SpacesCommand
{
    public static Command Create()
    {
        var actions = new Option<string?>("--actions") { Description = "List the actions (id, name, pipeline) of this action space" };
        var json = CommonOptions.Json();
        var command = new Command("spaces", "List the action, observation and reward spaces") { actions, json };
        command.SetAction(r => CommonOptions.Run(() =>
        {
            if (r.GetValue(actions) is { } spaceName)
                PrintActions(LlvmActionSpace.Get(spaceName), r.GetValue(json));
            else
                PrintSpaces(r.GetValue(json));
            return 0;
        }));
        return command;
    }

    private static void PrintActions(LlvmActionSpace space, bool json)
    {
        if (json)
        {
            Console.WriteLine(new JsonArray([.. space.Actions.Select(a => (JsonNode)new JsonObject
                { ["id"] = a.Id, ["name"] = a.Name, ["pipeline"] = a.Pipeline })]).ToJsonString());
            return;
        }
        CommonOptions.Table($"{space.Name}: {space.Actions.Count} actions", ["id", "name", "pipeline"],
            space.Actions.Select(a => new[] { a.Id.ToString(), a.Name, a.Pipeline }));
    }

    private static void PrintSpaces(bool json)
    {
        using var env = new LlvmEnv();
        var groups = new[] { ("action", env.ActionSpaces), ("observation", env.ObservationSpaces), ("reward", env.RewardSpaces) };
        if (json)
        {
            var root = new JsonObject();
            foreach (var (kind, spaces) in groups)
                root[kind + "_spaces"] = new JsonArray([.. spaces.Select(s => (JsonNode)Describe(s))]);
            Console.WriteLine(root.ToJsonString());
            return;
        }
        foreach (var (kind, spaces) in groups)
            CommonOptions.Table($"{kind} spaces", ["name", "type", "shape", "range", "deterministic", "platform-dependent", "description"],
                spaces.Select(s => new[]
                {
                    s.Name, s.Kind.ToString(), s.Kind == SpaceKind.Discrete ? $"n={s.N}" : $"[{string.Join(",", s.Shape)}]",
                    $"[{s.Low?.ToString() ?? "-inf"}, {s.High?.ToString() ?? "inf"}]",
                    s.Deterministic ? "yes" : "no", s.PlatformDependent ? "yes" : "no", s.Description,
                }));
    }

    public static JsonObject Describe(Space s) => new()
    {
        ["name"] = s.Name,
        ["kind"] = s.Kind.ToString(),
        ["shape"] = new JsonArray([.. s.Shape.Select(x => (JsonNode)x)]),
        ["low"] = s.Low,
        ["high"] = s.High,
        ["deterministic"] = s.Deterministic,
        ["platform_dependent"] = s.PlatformDependent,
        ["description"] = s.Description,
        ["names"] = s.Names is null ? null : new JsonArray([.. s.Names.Select(n => (JsonNode)n)]),
    };
}
