using System.CommandLine;
using System.Text.Json.Nodes;
using CompilerGym.Core.Benchmarks;

namespace CompilerGym.Cli.Commands;

/// <summary><c>cgym benchmarks</c>: every environment's datasets and their benchmarks, and its generators.</summary>
internal static class BenchmarksCommand
{
    public static Command Create()
    {
        var environment = new Option<string?>("--env") { Description = "Only this environment's benchmarks (default: every environment's)" };
        var json = CommonOptions.Json();
        var command = new Command("benchmarks", "List the datasets and their benchmarks") { environment, json };
        command.SetAction(r => CommonOptions.Run(() =>
        {
            var specs = r.GetValue(environment) is { } id ? [CommonOptions.Registry.Spec(id)] : CommonOptions.Registry.All;
            var rows = specs.SelectMany(spec => spec.Datasets.SelectMany(d => d.Benchmarks)
                    .Concat(spec.Generators.Select(g => new BenchmarkInfo($"generator://{g.Name}/SEED", $"{g.Description} (any seed)")))
                    .Select(b => (Environment: spec.Id, Benchmark: b)))
                .ToList();
            if (r.GetValue(json))
                Console.WriteLine(new JsonArray([.. rows.Select(b => (JsonNode)new JsonObject
                    { ["uri"] = b.Benchmark.Uri, ["description"] = b.Benchmark.Description, ["environment"] = b.Environment })]).ToJsonString());
            else
                CommonOptions.Table($"{rows.Count} benchmarks (also: file:///path/to/program.c, .ll, .bc or .mlir)",
                    ["uri", "environment", "description"], rows.Select(b => new[] { b.Benchmark.Uri, b.Environment, b.Benchmark.Description }));
            return 0;
        }));
        return command;
    }
}
