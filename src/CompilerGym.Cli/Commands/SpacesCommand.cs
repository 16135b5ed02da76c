using System.CommandLine;
using System.Text.Json.Nodes;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Spaces;

namespace CompilerGym.Cli.Commands;

/// <summary><c>cgym spaces</c>: the action, observation and reward spaces; with --actions, one space's actions.</summary>
internal static class SpacesCommand
{
    public static Command Create()
    {
        var environment = new Option<string?>("--env") { Description = $"The environment ({string.Join(", ", CommonOptions.Registry.Ids)}; default {CommonOptions.Registry.Default.Id})" };
        var actions = new Option<string?>("--actions") { Description = "List the actions (id, name, pipeline) of this action space" };
        var json = CommonOptions.Json();
        var command = new Command("spaces", "List an environment's action, observation and reward spaces") { environment, actions, json };
        command.SetAction(r => CommonOptions.Run(() =>
        {
            var spec = r.GetValue(environment) is { } id ? CommonOptions.Registry.Spec(id) : CommonOptions.Registry.Default;
            if (r.GetValue(actions) is { } spaceName)
                PrintActions(spaceName, spec.Actions(spaceName), r.GetValue(json));
            else
                PrintSpaces(spec, r.GetValue(json));
            return 0;
        }));
        return command;
    }

    private static void PrintActions(string space, IReadOnlyList<ActionInfo> actions, bool json)
    {
        if (json)
        {
            Console.WriteLine(new JsonArray([.. actions.Select(a => (JsonNode)new JsonObject
                { ["id"] = a.Id, ["name"] = a.Name, ["pipeline"] = a.Definition })]).ToJsonString());
            return;
        }
        CommonOptions.Table($"{space}: {actions.Count} actions", ["id", "name", "pipeline"],
            actions.Select(a => new[] { a.Id.ToString(), a.Name, a.Definition }));
    }

    private static void PrintSpaces(EnvSpec spec, bool json)
    {
        var groups = new[] { ("action", spec.ActionSpaces), ("observation", spec.ObservationSpaces), ("reward", spec.RewardSpaces) };
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
