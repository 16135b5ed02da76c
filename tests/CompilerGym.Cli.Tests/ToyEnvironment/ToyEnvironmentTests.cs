using System.CommandLine;
using System.Text.Json.Nodes;
using CompilerGym.Cli.Commands;
using CompilerGym.Client;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;
using CompilerGym.Environments;
using CompilerGym.Llvm.Env;
using CompilerGym.Mlir.Env;
using CompilerGym.Service.Tests;
using Microsoft.Data.Sqlite;
using Proto = CompilerGym.Protocol.V1;

namespace CompilerGym.Cli.Tests.ToyEnvironment;

/// <summary>A server whose workers take toy-v0 from this test assembly, as a user's environment would be taken from theirs.</summary>
public sealed class ToyServer() : TestServer(new() { ["Service:EnvironmentAssemblies:0"] = typeof(ToyEnvSpec).Assembly.Location });

/// <summary>
/// A third environment, registered once and touching no other project, is listed and usable through
/// every registry-driven path: the command line's handlers in process, and the service with its workers.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class ToyEnvironmentTests(ToyServer server) : IClassFixture<ToyServer>
{
    static ToyEnvironmentTests() => Registrations.Default.Register(new ToyEnvSpec());

    [Fact]
    public void The_registry_finds_each_benchmarks_environment_and_refuses_a_taken_id()
    {
        var registry = new EnvRegistry([LlvmEnvSpec.Instance, MlirEnvSpec.Instance, new ToyEnvSpec()]);
        Assert.Equal(ToyEnvSpec.EnvId, registry.For("benchmark://toy-v0/3").Id);
        Assert.Equal(MlirEnvSpec.EnvId, registry.For("benchmark://mlir-linalg-v0/matmul").Id);
        // What no other environment owns is the default's, the first registered.
        Assert.Equal(LlvmEnvSpec.EnvId, registry.For("/some/where/prog.c").Id);
        Assert.Equal(ToyEnvSpec.EnvId, registry.For(["benchmark://toy-v0/3", "benchmark://toy-v0/4"]).Id);
        Assert.Contains("mix environments", Assert.Throws<ArgumentException>(() => registry.For(["benchmark://toy-v0/3", "benchmark://builtin-v0/crc32"])).Message);
        registry.Register(new ToyEnvSpec());
        Assert.Equal(3, registry.All.Count);
        Assert.Throws<ArgumentException>(() => registry.Register(new OtherToySpec()));
        Assert.Contains("unknown environment 'gcc-v0'", Assert.Throws<ArgumentException>(() => registry.Make("gcc-v0")).Message);
        using var env = registry.Make(ToyEnvSpec.EnvId);
        Assert.IsType<ToyEnv>(env);
    }

    private sealed class OtherToySpec : EnvSpec
    {
        private static readonly ToyEnvSpec s_toy = new();
        public override string Id => ToyEnvSpec.EnvId;
        public override string Description => s_toy.Description;
        public override bool Owns(string benchmark) => false;
        public override ICompilerEnv Make(EnvSettings settings) => s_toy.Make(settings);
        public override string DefaultActionSpace => s_toy.DefaultActionSpace;
        public override IReadOnlyList<Space> ActionSpaces => s_toy.ActionSpaces;
        public override IReadOnlyList<Space> ObservationSpaces => s_toy.ObservationSpaces;
        public override IReadOnlyList<Space> RewardSpaces => s_toy.RewardSpaces;
        public override IReadOnlyList<ActionInfo> Actions(string actionSpace) => s_toy.Actions(actionSpace);
        public override IReadOnlyList<DatasetInfo> Datasets => [];
        public override IReadOnlyDictionary<string, IReadOnlyList<string>> BenchmarkSets => s_toy.BenchmarkSets;
        public override AgentDefaults Defaults => s_toy.Defaults;
        public override EvalMetric Evaluation => s_toy.Evaluation;
        public override TuneInput ResolveProgram(string input) => s_toy.ResolveProgram(input);
        public override TuneOutput WriteResult(ICompilerEnv env, string program, IReadOnlyList<string> actions, string folder, string stem) => s_toy.WriteResult(env, program, actions, folder, stem);
        public override string ResultFiles => s_toy.ResultFiles;
    }

    [Fact]
    public void Spaces_and_benchmarks_list_it()
    {
        var (code, output) = Run(SpacesCommand.Create(), "--env", ToyEnvSpec.EnvId, "--json");
        Assert.Equal(0, code);
        var spaces = JsonNode.Parse(output)!;
        Assert.Equal(["inc", "dec", "halve", "gamble"], spaces["action_spaces"]![0]!["names"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Contains(spaces["observation_spaces"]!.AsArray(), s => s!["name"]!.GetValue<string>() == ToyEnv.ValueStart);

        (code, output) = Run(BenchmarksCommand.Create(), "--json");
        Assert.Equal(0, code);
        var listed = JsonNode.Parse(output)!.AsArray();
        Assert.Contains(listed, b => b!["uri"]!.GetValue<string>() == "benchmark://toy-v0/100" && b["environment"]!.GetValue<string>() == ToyEnvSpec.EnvId);
        Assert.Contains(listed, b => b!["environment"]!.GetValue<string>() == "llvm-v0");
    }

    [Fact]
    public void Step_and_tune_run_it_by_its_benchmarks_alone()
    {
        var (code, output) = Run(StepCommand.Create(), "-b", "benchmark://toy-v0/7", "-a", "dec,halve", "--json");
        Assert.Equal(0, code);
        Assert.Equal(3, JsonNode.Parse(output)!["observations"]![ToyEnv.Value]!.GetValue<long>());

        string folder = Directory.CreateTempSubdirectory("cgym-toy-tune-").FullName;
        try
        {
            // Its defaults (greedy search, the cost Value, at most 6 actions) and its floor come from its registration.
            (code, output) = Run(TuneCommand.Create(), "benchmark://toy-v0/100", "--time", "0", "--max-steps", "100", "-o", folder);
            Assert.Equal(0, code);
            using var db = new SqliteConnection($"Data Source={Path.Combine(folder, "results.db")}");
            db.Open();
            using var query = db.CreateCommand();
            query.CommandText = "SELECT best, valid, actions, validation FROM results";
            using var row = query.ExecuteReader();
            Assert.True(row.Read());
            // The search's cheapest sequence ends with gambles, which a replay does not reproduce:
            // it is passed over for the next cheapest that validates, the floor alone (100 halved).
            Assert.Equal(50, row.GetDouble(0));
            Assert.True(row.GetBoolean(1));
            Assert.Equal("[\"halve\"]", row.GetString(2));
            Assert.Contains("1 cheaper result(s) did not reproduce and were passed over", row.GetString(3));
            Assert.Equal("50", File.ReadAllText(Path.Combine(folder, "toy-v0-n100.txt")));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public async Task The_service_and_its_workers_serve_it()
    {
        var spaces = await server.Client.GetSpacesAsync(new Proto.GetSpacesRequest { Environment = ToyEnvSpec.EnvId });
        Assert.Equal("toy-actions", spaces.DefaultActionSpace);
        Assert.Contains(ToyEnvSpec.EnvId, spaces.Environments);
        var benchmarks = await server.Client.ListBenchmarksAsync(new Proto.ListBenchmarksRequest { Dataset = "toy-v0" });
        Assert.Equal(["benchmark://toy-v0/7", "benchmark://toy-v0/100"], benchmarks.Datasets.Single().Benchmarks);

        // The session runs in a worker process, which knows toy-v0 only through its registry.
        using var env = new RemoteEnv(server.Address, environment: ToyEnvSpec.EnvId, observationSpace: ToyEnv.Value, rewardSpace: ToyEnv.Value);
        env.Reset("benchmark://toy-v0/9");
        var step = env.Step(env.ActionSpace.IndexOf("halve"));
        Assert.Equal(5, step.Observation!.AsDouble());
        Assert.Equal(4, step.Reward);
        Assert.True(env.Validate().Ok);
    }

    private static (int ExitCode, string Stdout) Run(Command command, params string[] args)
    {
        var saved = Console.Out;
        var output = new StringWriter();
        Console.SetOut(output);
        try { return (command.Parse(args).Invoke(), output.ToString()); }
        finally { Console.SetOut(saved); }
    }
}

/// <summary>Tests that capture the console run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}
