using CompilerGym.Core.Environments;
using CompilerGym.Llvm.Env;
using CompilerGym.Mlir.Env;

namespace CompilerGym.Environments;

/// <summary>
/// The one list of this repository's environments. Hosts, agents, the tuner and the command line
/// take it from here; an environment added to the repository adds one line.
/// </summary>
public static class Registrations
{
    /// <summary>The registry of every environment; the first, llvm-v0, serves benchmarks no other one owns.</summary>
    public static EnvRegistry Default { get; } = new([LlvmEnvSpec.Instance, MlirEnvSpec.Instance]);
}
