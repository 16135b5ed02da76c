using System.CommandLine;
using System.Text.Json.Nodes;
using CompilerGym.Llvm.Datasets;

namespace CompilerGym.Cli.Commands;

/// <summary><c>cgym benchmarks</c>: the datasets and their benchmarks.</summary>
internal static class BenchmarksCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var command = new Command("benchmarks", "List the datasets and their benchmarks") { json };
        command.SetAction(r => CommonOptions.Run(() =>
        {
            var benchmarks = BenchmarkStore.Default.Datasets.SelectMany(d => d.Benchmarks)
                .Concat(BenchmarkStore.Default.Generators.Select(g => new BenchmarkInfo($"generator://{g.Name}/SEED", $"{g.Description} (any seed)")))
                .ToList();
            if (r.GetValue(json))
                Console.WriteLine(new JsonArray([.. benchmarks.Select(b => (JsonNode)new JsonObject
                    { ["uri"] = b.Uri, ["description"] = b.Description })]).ToJsonString());
            else
                CommonOptions.Table($"{benchmarks.Count} benchmarks (also: file:///path/to/program.c, .ll or .bc)",
                    ["uri", "description"], benchmarks.Select(b => new[] { b.Uri, b.Description }));
            return 0;
        }));
        return command;
    }
}
