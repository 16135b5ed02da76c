using CompilerGym.Core.Envs;
using CompilerGym.Protocol;
using CompilerGym.Llvm.Env;
using CompilerGym.Mlir.Actions;
using CompilerGym.Mlir.Benchmarks;
using CompilerGym.Mlir.Env;

namespace CompilerGym.Client;

/// <summary>
/// Where an environment runs: in this process, or on a server when <see cref="Remote"/> is set
/// (for example from <c>--remote</c> or the <c>CGYM_REMOTE</c> environment variable).
/// </summary>
public sealed record EnvOptions(string? Remote = null, string? Token = null, string? ActionSpace = null,
    string? ObservationSpace = null, string? RewardSpace = null, string? Environment = null)
{
    /// <summary>The options the environment variables CGYM_REMOTE and CGYM_TOKEN give.</summary>
    public static EnvOptions FromEnvironment() =>
        new(System.Environment.GetEnvironmentVariable("CGYM_REMOTE").OrNull(), System.Environment.GetEnvironmentVariable("CGYM_TOKEN").OrNull());
}

/// <summary>Creates the in-process or the remote environment; agents see only <see cref="ICompilerEnv"/>.</summary>
public static class EnvFactory
{
    public const string Llvm = "llvm-v0";
    public const string Mlir = "mlir-v0";

    /// <summary>The environment that serves a benchmark: mlir-v0 for MLIR kernels and .mlir files, llvm-v0 for the rest.</summary>
    public static string EnvironmentOf(string benchmark) => MlirBenchmark.IsMlir(benchmark) ? Mlir : Llvm;

    /// <summary>The one environment that serves all the benchmarks; a mix of the two is an error.</summary>
    public static string EnvironmentOf(IEnumerable<string> benchmarks)
    {
        var environments = benchmarks.Select(EnvironmentOf).Distinct().ToList();
        return environments.Count switch
        {
            0 => Llvm,
            1 => environments[0],
            _ => throw new ArgumentException("the benchmarks mix llvm-v0 programs and mlir-v0 kernels; give one kind at a time"),
        };
    }

    public static ICompilerEnv Create(EnvOptions options) => options switch
    {
        { Remote: { Length: > 0 } address } => new RemoteEnv(address, options.Token, options.ActionSpace, options.ObservationSpace,
            options.RewardSpace, options.Environment),
        { Environment: Mlir } => CreateMlir(options),
        { Environment: null or "" or Llvm } => new LlvmEnv(actionSpace: options.ActionSpace ?? CompilerGym.Llvm.Actions.LlvmActionSpace.Passes,
            observationSpace: options.ObservationSpace, rewardSpace: options.RewardSpace),
        _ => throw new ArgumentException($"unknown environment '{options.Environment}' (known: llvm-v0, mlir-v0)"),
    };

    // mlir-v0 has one named action space (custom ones come with their actions, at reset): any other name is refused here, as LlvmEnv refuses one.
    private static MlirEnv CreateMlir(EnvOptions options)
    {
        MlirActionSpace.Resolve(options.ActionSpace, null);
        return new MlirEnv(options.ObservationSpace, options.RewardSpace);
    }
}
