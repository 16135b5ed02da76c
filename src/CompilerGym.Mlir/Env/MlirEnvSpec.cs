using System.Security.Cryptography;
using System.Text;
using CompilerGym.Core.Benchmarks;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;
using CompilerGym.Llvm.Core;
using CompilerGym.Mlir.Actions;
using CompilerGym.Mlir.Benchmarks;
using CompilerGym.Mlir.Core;

namespace CompilerGym.Mlir.Env;

/// <summary>
/// <c>mlir-v0</c> as the registry knows it: loop-nest schedules of linalg kernels, measured by run
/// time against the untransformed kernel and the default lowering (which stands where -Oz stands
/// for programs).
/// </summary>
public sealed class MlirEnvSpec : EnvSpec
{
    public const string EnvId = "mlir-v0";

    public static MlirEnvSpec Instance { get; } = new();

    public override string Id => EnvId;

    public override string Description => "MLIR 22 loop-nest optimization of linalg kernels: tiling, interchange, fusion, vectorization, unrolling, parallel tiles; the cost is the measured run time";

    /// <summary>Kernels of mlir-linalg-v0 and .mlir files.</summary>
    public override bool Owns(string benchmark) => MlirBenchmark.IsMlir(benchmark);

    // One named action space: custom ones come with their actions, at reset; any other name is refused here, as llvm-v0 refuses one.
    public override ICompilerEnv Make(EnvSettings settings)
    {
        MlirActionSpace.Resolve(settings.ActionSpace, null);
        return new MlirEnv(settings.ObservationSpace, settings.RewardSpace);
    }

    public override string DefaultActionSpace => MlirActionSpace.Name;
    public override IReadOnlyList<Space> ActionSpaces => [MlirActionSpace.Instance.Space];
    public override IReadOnlyList<Space> ObservationSpaces => MlirSpaces.Observations;
    public override IReadOnlyList<Space> RewardSpaces => MlirSpaces.Rewards;

    public override IReadOnlyList<ActionInfo> Actions(string actionSpace) =>
        [.. MlirActionSpace.Resolve(actionSpace, null).Actions.Select(a => new ActionInfo(a.Id, a.Name, a.PipelineElement))];

    public override IReadOnlyList<DatasetInfo> Datasets =>
    [
        new(MlirBenchmark.Dataset, "Parametric linalg kernels for mlir-v0, shapes in the URI (e.g. matmul?m=512&n=512&k=512); listed at their default shapes",
            [.. Kernels.All.Select(k => new BenchmarkInfo($"benchmark://{MlirBenchmark.Dataset}/{k.Name}", k.Description))]),
    ];

    public override IReadOnlyDictionary<string, IReadOnlyList<string>> BenchmarkSets { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        // The targets, never trained on: matmul 512³ and a ResNet-style 3×3 convolution, 56×56 with 32 channels in and out.
        ["mlir-held-out"] = [.. new[] { "matmul?m=512&n=512&k=512", "conv2d?n=1&h=56&w=56&c=32&f=32&kh=3&kw=3" }.Select(Kernel)],
        // Matrix products and convolutions of other, smaller shapes (a step is timed by running the
        // kernel, so small kernels keep training fast), and a batched product and a dense layer.
        ["mlir-training"] =
        [
            .. new[]
            {
                "matmul?m=128&n=128&k=128", "matmul?m=256&n=128&k=64", "matmul?m=64&n=256&k=192", "matmul?m=192&n=192&k=256",
                "conv2d?n=1&h=28&w=28&c=16&f=16&kh=3&kw=3", "conv2d?n=1&h=14&w=14&c=32&f=64&kh=3&kw=3", "conv2d?n=1&h=28&w=28&c=8&f=32&kh=3&kw=3",
                "batch_matmul?b=2&m=64&n=96&k=64", "mlp?m=64&n=128&k=256",
            }.Select(Kernel),
        ],
    };

    private static string Kernel(string name) => $"benchmark://{MlirBenchmark.Dataset}/{name}";

    /// <summary>
    /// Every step builds and times a kernel (about a second), so runs are thousands of steps, not
    /// hundreds of thousands; schedules are a few transformations long; the reward is the log
    /// speed-up, so kernels whose best speed-ups are 5× and 80× weigh alike; the search is random
    /// (beam search's many trials per level would each be a timed build).
    /// </summary>
    public override AgentDefaults Defaults { get; } = new(
        RewardSpace: "RuntimeLogSpeedup",
        EpisodeLength: 6,
        Cost: MlirSpaces.Runtime,
        Search: "random",
        MaxLength: 8,
        TrainingSet: "mlir-training",
        HeldOutSet: "mlir-held-out",
        StepObservations: [MlirSpaces.Runtime, MlirSpaces.RuntimeUntransformed, MlirSpaces.RuntimeDefault],
        StepRewards: ["RuntimeLogSpeedup"],
        Training: new TrainingDefaults(TotalSteps: 3_000, Envs: 2, EpisodesPerUpdate: 4, Hidden: 64, LearningRate: 1e-3));

    public override EvalMetric Evaluation { get; } = new("RuntimeLogSpeedup", "Runtime", "RuntimeUntransformed", "RuntimeDefault",
        "mlir-v0: C is the kernel's run time in ns, C0 untransformed, C_ref the default lowering; reward log(C_ref / C); C_ref / C is the speed-up");

    /// <summary>A kernel named by its URI (with its shape) or file, hashed by its MLIR text; parsed now, so a malformed one fails before any tuning. Kernels are not uploaded.</summary>
    public override TuneInput ResolveProgram(string input)
    {
        var kernel = MlirBenchmark.Get(input);
        MlirModule.Parse(kernel.Text, kernel.Uri).Dispose();
        var uri = BenchmarkUri.Parse(kernel.Uri);
        bool isFile = uri.Scheme == "file";
        return new TuneInput(kernel.Uri, isFile ? Path.GetFileNameWithoutExtension(uri.Name) : uri.Name,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(kernel.Text))), isFile, Upload: null);
    }

    /// <summary>The transformed kernel and its LLVM IR after the fixed lowering; the pipeline is the actions (mlir-opt-22's is in the command line).</summary>
    public override TuneOutput WriteResult(ICompilerEnv env, string program, IReadOnlyList<string> actions, string folder, string stem)
    {
        string mlirFile = stem + ".mlir", irFile = stem + ".ll";
        File.WriteAllText(Path.Combine(folder, mlirFile), env.Observe(MlirSpaces.Mlir).AsText());
        File.WriteAllText(Path.Combine(folder, irFile), env.Observe(MlirSpaces.LlvmIr).AsText());
        return new TuneOutput(mlirFile, irFile, string.Join(",", actions));
    }

    public override string ResultFiles => "transformed kernels (.mlir) and their LLVM IR (.ll)";

    public override string CompilerVersion => $"LLVM {LlvmVersion.Text}";

    public override string ReferenceName => "default lowering";

    /// <summary>The untransformed kernel's cost where a program has -O0's, the default lowering's where it has -Oz's, no -O3.</summary>
    public override CostBaselines Baselines(ICompilerEnv env, string cost, CostBaselines? known = null) =>
        env.ObservationSpaces.Any(s => s.Name == cost + "Default")
            ? new(env.Observe(cost + "Untransformed").AsDouble(), env.Observe(cost + "Default").AsDouble(), null)
            : new(null, null, null);
}
