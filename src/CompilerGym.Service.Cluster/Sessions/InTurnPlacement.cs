using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace CompilerGym.Service.Cluster.Sessions;

/// <summary>
/// New sessions go to the live silos in turn (each gateway keeping its own turn), so that a burst
/// of sessions, such as a vector environment's, spreads at once. Orleans' activation-count
/// placement put whole bursts on one silo: the load figures it compares lag behind by seconds.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class InTurnPlacement : PlacementStrategy;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class InTurnPlacementAttribute() : PlacementAttribute(new InTurnPlacement());

public sealed class InTurnPlacementDirector : IPlacementDirector
{
    // Gateways start their turns at different silos.
    private int _turn = Random.Shared.Next();

    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        return Task.FromResult(silos[(int)((uint)Interlocked.Increment(ref _turn) % (uint)silos.Length)]);
    }
}
