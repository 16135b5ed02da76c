using CompilerGym.Protocol.V1;

namespace CompilerGym.Service.Sessions;

/// <summary>
/// The sessions the gRPC front end serves: those of this process (<see cref="SessionManager"/>), or
/// on a cluster, those of every silo. A connection id names the client's connection, for its orphans.
/// </summary>
public interface ISessions
{
    Task<StartSessionReply> StartAsync(StartSessionRequest request, string connectionId, CancellationToken cancellation = default);
    Task<StepReply> StepAsync(StepRequest request, string connectionId, CancellationToken cancellation = default);
    Task<ResetReply> ResetAsync(ResetRequest request, string connectionId, CancellationToken cancellation = default);
    Task<ForkReply> ForkAsync(ForkRequest request, string connectionId, CancellationToken cancellation = default);
    Task<GetStateReply> GetStateAsync(GetStateRequest request, string connectionId);
    Task EndAsync(string sessionId, string reason);
}
