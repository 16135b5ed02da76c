using System.Runtime.CompilerServices;
using CompilerGym.Agents.Policies;

namespace CompilerGym.Agents.Tests;

internal static class Reproducibility
{
    // Test classes run in parallel and any of them may call into LibTorch first; MKL must be in its
    // reproducible mode before that first call for the determinism tests to hold.
    [ModuleInitializer]
    internal static void Initialize() => TorchReproducibility.Ensure();
}
