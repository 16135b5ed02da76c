using CompilerGym.Protocol;
using CompilerGym.Protocol.V1;
using CompilerGym.Service.Sessions;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace CompilerGym.Service.Cluster.Sessions;

/// <summary>
/// The sessions of the whole cluster, as this silo's gRPC front end serves them: each request goes
/// to the session's grain, wherever it lives. A request whose grain's silo died under it is sent
/// once more, once the cluster has declared that silo dead: the grain is then activated on a
/// surviving silo, which restores the session from its record. A step goes with a request id, its
/// client's or a new one, so that a step the dead silo had already applied is not applied twice.
/// </summary>
public sealed class ClusterSessions(IGrainFactory grains, ILogger<ClusterSessions> logger) : ISessions
{
    // Ids say which kind of grain holds the session, as a fork's grain is placed differently.
    private const string StartedPrefix = "s", ForkPrefix = "f";

    public async Task<StartSessionReply> StartAsync(StartSessionRequest request, string connectionId, CancellationToken cancellation = default)
    {
        string id = StartedPrefix + Guid.NewGuid().ToString("N");
        var reply = StartSessionReply.Parser.ParseFrom(await CallAsync(id, g => g.Start(request.ToByteArray()), retry: false));
        reply.SessionId = id;
        return reply;
    }

    public async Task<StepReply> StepAsync(StepRequest request, string connectionId, CancellationToken cancellation = default)
    {
        if (request.RequestId.Length == 0)
        {
            request = request.Clone();
            request.RequestId = Guid.NewGuid().ToString("N");
        }
        byte[] bytes = request.ToByteArray();
        return StepReply.Parser.ParseFrom(await CallAsync(request.SessionId, g => g.Step(bytes)));
    }

    public async Task<ResetReply> ResetAsync(ResetRequest request, string connectionId, CancellationToken cancellation = default) =>
        ResetReply.Parser.ParseFrom(await CallAsync(request.SessionId, g => g.Reset(request.ToByteArray())));

    public async Task<ForkReply> ForkAsync(ForkRequest request, string connectionId, CancellationToken cancellation = default)
    {
        string id = ForkPrefix + Guid.NewGuid().ToString("N");
        return ForkReply.Parser.ParseFrom(await CallAsync(request.SessionId, g => g.Fork(id), retry: false));
    }

    public async Task<GetStateReply> GetStateAsync(GetStateRequest request, string connectionId) =>
        GetStateReply.Parser.ParseFrom(await CallAsync(request.SessionId, g => g.GetState(request.ToByteArray())));

    public async Task EndAsync(string sessionId, string reason) => await CallAsync(sessionId, g => g.End(reason));

    private async Task<byte[]> CallAsync(string sessionId, Func<ISessionGrain, Task<SessionAnswer>> call, bool retry = true)
    {
        var grain = Grain(sessionId);
        SessionAnswer answer;
        try { answer = await call(grain); }
        catch (SiloUnavailableException e) when (retry)
        {
            logger.LogWarning("session {Id}: its silo became unavailable ({Error}); sending the request again", sessionId, e.Message);
            answer = await call(grain);
        }
        return answer.Reply ?? throw ErrorReason.Exception((StatusCode)answer.Code, answer.Message, answer.Reason);
    }

    private ISessionGrain Grain(string sessionId) =>
        sessionId.StartsWith(StartedPrefix, StringComparison.Ordinal) ? grains.GetGrain<ISessionGrain>(sessionId, SessionGrain.ClassName)
        : sessionId.StartsWith(ForkPrefix, StringComparison.Ordinal) ? grains.GetGrain<ISessionGrain>(sessionId, ForkedSessionGrain.ClassName)
        : throw new RpcException(new Status(StatusCode.NotFound, $"unknown session '{sessionId}': no session of this cluster has such an id"));
}
