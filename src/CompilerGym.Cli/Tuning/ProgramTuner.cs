using System.Diagnostics;
using CompilerGym.Agents.Policies;
using CompilerGym.Agents.Search;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Observations;
using CompilerGym.Mlir.Benchmarks;
using CompilerGym.Mlir.Env;

namespace CompilerGym.Cli.Tuning;

/// <summary>How every program of a run is tuned, and where its files go.</summary>
internal sealed record TuneSettings(string Cost, ISearch Search, string SearchName, IActionPolicy? Policy, SearchOptions Options,
    string Description, string OutputDirectory);

/// <summary>Tunes one program: search, validation by replay, the optimized bitcode and object file.</summary>
internal static class ProgramTuner
{
    public static TuneRecord Tune(ICompilerEnv env, TuneTarget target, TuneSettings settings, Action<SearchProgress>? progress)
    {
        var clock = Stopwatch.StartNew();
        env.Reset(target.EnvBenchmark);
        var result = settings.Search.Run(env, settings.Options, settings.Policy, progress);
        var baselines = CostBaselines.Of(env, settings.Cost);
        var validation = env.Validate(Claim(env, settings.Cost, result));

        var (programFile, machineFile, pipeline) = MlirBenchmark.IsMlir(target.Program)
            ? WriteMlir(env, target, settings.OutputDirectory, result)
            : WriteLlvm(env, target, settings.OutputDirectory, result);
        return new TuneRecord(target.Program, target.InputHash, settings.Cost, settings.SearchName, settings.Description,
            baselines.O0 ?? result.InitialCost, baselines.Oz, baselines.O3, result.BestCost,
            pipeline, env.Commandline(), result.ActionNames,
            result.Evaluations, clock.Elapsed.TotalSeconds, validation.Ok, validation.ToString(), programFile, machineFile, DateTimeOffset.UtcNow);
    }

    /// <summary>The optimized bitcode and its object file; the pipeline is opt-22's.</summary>
    private static (string, string, string) WriteLlvm(ICompilerEnv env, TuneTarget target, string folder, SearchResult result)
    {
        byte[] bitcode = env.Observe(LlvmObservations.Bitcode).AsBytes();
        string bitcodeFile = target.FileStem + ".bc", objectFile = target.FileStem + ".o";
        File.WriteAllBytes(Path.Combine(folder, bitcodeFile), bitcode);
        File.WriteAllBytes(Path.Combine(folder, objectFile), ObjectCode(bitcode, target.FileStem));
        var space = LlvmActionSpace.Get(env.ActionSpace.Name);
        return (bitcodeFile, objectFile, string.Join(",", result.ActionNames.Select(name => space[name].Pipeline)));
    }

    /// <summary>The transformed kernel and its LLVM IR after the fixed lowering; the pipeline is the actions (mlir-opt-22's is in the command line).</summary>
    private static (string, string, string) WriteMlir(ICompilerEnv env, TuneTarget target, string folder, SearchResult result)
    {
        string mlirFile = target.FileStem + ".mlir", irFile = target.FileStem + ".ll";
        File.WriteAllText(Path.Combine(folder, mlirFile), env.Observe(MlirSpaces.Mlir).AsText());
        File.WriteAllText(Path.Combine(folder, irFile), env.Observe(MlirSpaces.LlvmIr).AsText());
        return (mlirFile, irFile, string.Join(",", result.ActionNames));
    }

    // The state with the saving the search claims as its reward, so that replaying it checks the
    // cost too. A cost that is not deterministic (a measured run time) or has no reward space of
    // its name is checked for replaying only.
    private static EnvState Claim(ICompilerEnv env, string cost, SearchResult result) =>
        env.ObservationSpaces.Any(s => s.Name == cost && s.Deterministic) && env.RewardSpaces.Any(r => r.Name == cost)
            ? env.State with { RewardSpace = cost, Reward = result.InitialCost - result.BestCost }
            : env.State;

    // Emitted here from the bitcode, so that a remote env's result gets its object file the same way.
    private static byte[] ObjectCode(byte[] bitcode, string name)
    {
        using var module = LlvmModule.ParseBitcode(bitcode, name);
        module.SetDefaultTargetIfMissing();
        using var machine = new TargetMachine(module.TargetTriple);
        return machine.ObjectCode(module);
    }
}
