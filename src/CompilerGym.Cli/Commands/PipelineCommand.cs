using System.CommandLine;
using System.Text.Json.Nodes;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Llvm.Observations;

namespace CompilerGym.Cli.Commands;

/// <summary>
/// <c>cgym pipeline</c>: runs any new-pass-manager pipeline text on a benchmark, in process, and
/// prints observations, e.g. to compare a hand-written pipeline with the -Oz baseline.
/// </summary>
internal static class PipelineCommand
{
    public static Command Create()
    {
        var benchmark = CommonOptions.Benchmark();
        var pipeline = new Option<string>("--passes", "-p") { Description = "Pipeline text, as opt-22 -passes= takes it", Required = true };
        var observations = new Option<string[]>("--observation", "-o")
        {
            Description = "Observation spaces to print (repeatable)",
            DefaultValueFactory = _ => ["IrInstructionCount", "IrInstructionCountOz", "ObjectTextSizeBytes", "ObjectTextSizeOz"],
            AllowMultipleArgumentsPerToken = true,
        };
        var json = CommonOptions.Json();
        var command = new Command("pipeline", "Run a pass pipeline on a benchmark and print observations") { benchmark, pipeline, observations, json };
        command.SetAction(r => CommonOptions.Run(() =>
        {
            var spaces = r.GetValue(observations)!.Select(LlvmObservations.Get).ToList();
            var target = BenchmarkStore.Default.Get(r.GetValue(benchmark)!);
            using var machine = new TargetMachine(target.TargetTriple);
            using var module = target.Load();
            bool changed = machine.RunPasses(module, r.GetValue(pipeline)!);
            using var source = new ObservationSource(module, target, machine);
            var values = spaces.ToDictionary(s => s.Space.Name, s => s.Compute(source));
            if (r.GetValue(json))
                Console.WriteLine(new JsonObject
                {
                    ["benchmark"] = target.Uri,
                    ["passes"] = r.GetValue(pipeline),
                    ["changed"] = changed,
                    ["observations"] = new JsonObject(values.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value.ToJson()))),
                }.ToJsonString());
            else
                CommonOptions.Table($"{target.Uri} after '{r.GetValue(pipeline)}'", ["space", "value"],
                    values.Select(kv => new[] { kv.Key, kv.Value.ToString() }));
            return 0;
        }));
        return command;
    }
}
