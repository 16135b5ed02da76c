using System.Text;
using CompilerGym.Core.Benchmarks;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;

// How a host outside this assembly (the service's workers) finds the toy environment.
[assembly: EnvRegistration(typeof(CompilerGym.Cli.Tests.ToyEnvironment.ToyEnvSpec))]

namespace CompilerGym.Cli.Tests.ToyEnvironment;

/// <summary>toy-v0's registration: everything the registry-driven code paths ask of an environment.</summary>
public sealed class ToyEnvSpec : EnvSpec
{
    public const string EnvId = "toy-v0";

    public override string Id => EnvId;
    public override string Description => "Numbers to bring down with inc, dec and halve";
    public override bool Owns(string benchmark) => benchmark.StartsWith("benchmark://toy-v0/", StringComparison.Ordinal);
    public override ICompilerEnv Make(EnvSettings settings)
    {
        if (settings.ActionSpace is { } name && name != ToyEnv.Actions.Name) throw new UnknownNameException($"unknown action space '{name}'");
        return new ToyEnv(settings.ObservationSpace, settings.RewardSpace);
    }

    public override string DefaultActionSpace => ToyEnv.Actions.Name;
    public override IReadOnlyList<Space> ActionSpaces => [ToyEnv.Actions];
    public override IReadOnlyList<Space> ObservationSpaces => ToyEnv.Observations;
    public override IReadOnlyList<Space> RewardSpaces => ToyEnv.Rewards;
    public override IReadOnlyList<ActionInfo> Actions(string actionSpace) =>
        [.. Make(new EnvSettings(actionSpace)).ActionSpace.Names!.Select((n, i) => new ActionInfo(i, n, n))];

    public override IReadOnlyList<DatasetInfo> Datasets =>
        [new("toy-v0", "Numbers", [.. new[] { 7, 100 }.Select(n => new BenchmarkInfo($"benchmark://toy-v0/{n}", $"the number {n}"))])];

    public override IReadOnlyDictionary<string, IReadOnlyList<string>> BenchmarkSets { get; } =
        new Dictionary<string, IReadOnlyList<string>> { ["toy-all"] = ["benchmark://toy-v0/7", "benchmark://toy-v0/100"] };

    public override AgentDefaults Defaults { get; } = new(ToyEnv.Value, 4, ToyEnv.Value, "greedy", 6, "toy-all", "toy-all", [ToyEnv.Value], [ToyEnv.Value],
        new TrainingDefaults(TotalSteps: 64));

    public override EvalMetric Evaluation { get; } = new(ToyEnv.Value, ToyEnv.Value, ToyEnv.ValueStart, ToyEnv.ValueStart, "toy-v0: C is the number");

    public override TuneInput ResolveProgram(string input) =>
        new(input, $"n{ToyEnv.StartOf(input)}", Convert.ToHexStringLower(Encoding.UTF8.GetBytes(input)), false, Upload: null);

    public override TuneOutput WriteResult(ICompilerEnv env, string program, IReadOnlyList<string> actions, string folder, string stem)
    {
        File.WriteAllText(Path.Combine(folder, stem + ".txt"), env.Observe(ToyEnv.Value).ToString());
        return new TuneOutput(stem + ".txt", "", string.Join(",", actions));
    }

    public override string ResultFiles => "the numbers reached (.txt)";

    /// <summary>Halving is toy-v0's standard pipeline: a tuning starts from it.</summary>
    public override IReadOnlyList<string> FloorActions(string actionSpace) => ["halve"];
}
