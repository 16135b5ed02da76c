using System.Runtime.CompilerServices;
using CompilerGym.Agents.Policies;

// LibTorch's random generator is global: a test building a network while another trains would
// draw from that training's seeded stream, and its exact-repeat checks would fail now and then.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace CompilerGym.Agents.Tests;

internal static class Reproducibility
{
    // Any test class may call into LibTorch first; MKL must be in its
    // reproducible mode before that first call for the determinism tests to hold.
    [ModuleInitializer]
    internal static void Initialize() => TorchReproducibility.Ensure();
}
