using CompilerGym.Protocol;
using CompilerGym.Protocol.V1;
using CompilerGym.Service.Sessions;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using StackExchange.Redis;

namespace CompilerGym.Service.Cluster.Sessions;

/// <summary>
/// The sessions of the whole cluster, as this silo's gRPC front end serves them: each request goes
/// to the session's grain, wherever it lives. A request whose grain's silo died is sent again until
/// the cluster has declared that silo dead: the grain is then activated on a surviving silo, which
/// restores the session from its record. A step goes with a request id, its client's or a new one,
/// so that a step the dead silo had already applied is not applied twice. A start or a fork with
/// its client's request id makes no second session: a client sending it again through another
/// gateway, after the first died, gets the session the first made. A step for a session this silo
/// hosts is served in place, without an Orleans message (<see cref="LocalSessionGrains"/>).
/// </summary>
public sealed class ClusterSessions(IGrainFactory grains, SessionRecords records, LocalSessionGrains here, ILogger<ClusterSessions> logger) : ISessions
{
    // How long a request keeps trying to reach its session while the cluster finds out that a silo died.
    private static readonly TimeSpan s_recoveryLimit = TimeSpan.FromMinutes(1);

    // Ids say which kind of grain holds the session, as a fork's grain is placed differently.
    private const string StartedPrefix = "s", ForkPrefix = "f";

    // Longer request ids are refused rather than kept in Redis.
    private const int MaxRequestId = 128;

    public async Task<StartSessionReply> StartAsync(StartSessionRequest request, string connectionId, CancellationToken cancellation = default)
    {
        var (id, _) = await SessionMadeByAsync(request.RequestId, StartedPrefix);
        var reply = StartSessionReply.Parser.ParseFrom(await CallAsync(id, g => g.Start(request.ToByteArray(), cancellation), cancellation));
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
        if (here.Find(request.SessionId) is { } grain && await grain.StepInPlaceAsync(request, cancellation) is { } answer)
            return StepReply.Parser.ParseFrom(ReplyOf(answer));
        byte[] bytes = request.ToByteArray();
        return StepReply.Parser.ParseFrom(await CallAsync(request.SessionId, g => g.Step(bytes, cancellation), cancellation));
    }

    public async Task<ResetReply> ResetAsync(ResetRequest request, string connectionId, CancellationToken cancellation = default) =>
        ResetReply.Parser.ParseFrom(await CallAsync(request.SessionId, g => g.Reset(request.ToByteArray(), cancellation), cancellation));

    public async Task<ForkReply> ForkAsync(ForkRequest request, string connectionId, CancellationToken cancellation = default)
    {
        var (id, before) = await SessionMadeByAsync(request.RequestId, ForkPrefix);
        return ForkReply.Parser.ParseFrom(await CallAsync(request.SessionId, g => g.Fork(id, before, cancellation), cancellation));
    }

    public async Task<GetStateReply> GetStateAsync(GetStateRequest request, string connectionId) =>
        GetStateReply.Parser.ParseFrom(await CallAsync(request.SessionId, g => g.GetState(request.ToByteArray())));

    public async Task EndAsync(string sessionId, string reason) => await CallAsync(sessionId, g => g.End(reason));

    // The id of the session a start or a fork (by the prefix of its kind) makes: a new one, unless
    // its request id made one before (Before).
    private async Task<(string Id, bool Before)> SessionMadeByAsync(string requestId, string prefix)
    {
        if (requestId.Length == 0) return (NewId(prefix), false);
        if (requestId.Length > MaxRequestId)
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"a request_id has at most {MaxRequestId} characters"));
        string id, newId = NewId(prefix);
        try { id = await records.SessionMadeByAsync(requestId, newId); }
        catch (RedisException e)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"the cluster's Redis did not answer ({e.Message}); try again"));
        }
        // A start's id sent with a fork (or the reverse) would name a session the request did not make.
        return id.StartsWith(prefix, StringComparison.Ordinal) ? (id, id != newId)
            : throw new RpcException(new Status(StatusCode.AlreadyExists, $"the request_id '{requestId}' made session '{id}', by another kind of request"));
    }

    private async Task<byte[]> CallAsync(string sessionId, Func<ISessionGrain, Task<SessionAnswer>> call, CancellationToken cancellation = default)
    {
        var grain = Grain(sessionId);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var pause = TimeSpan.FromMilliseconds(50); ; pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.TicksPerSecond)))
        {
            SessionAnswer answer;
            try { answer = await call(grain); }
            catch (Exception e) when (IsSiloLoss(e) && clock.Elapsed < s_recoveryLimit)
            {
                // Until the cluster declares the silo dead, the grain is still said to live there.
                logger.LogWarning("session {Id}: its silo is unreachable ({Error}); sending the request again", sessionId, e.Message);
                await Task.Delay(pause, cancellation);
                continue;
            }
            return ReplyOf(answer);
        }
    }

    private static byte[] ReplyOf(SessionAnswer answer) =>
        answer.Reply ?? throw ErrorReason.Exception((StatusCode)answer.Code, answer.Message, answer.Reason);

    // A request that did not reach its grain's silo, or whose silo died under it. Either is safe to
    // send again: a step carries its request id, a start or a fork the id of what it makes.
    private static bool IsSiloLoss(Exception e) => e is SiloUnavailableException or OrleansMessageRejectionException
        or Orleans.Runtime.Messaging.ConnectionFailedException;

    // An id this cluster could not have made reaches no grain (a grain would be made for any id).
    private ISessionGrain Grain(string sessionId) =>
        !IsSessionId(sessionId) ? throw new RpcException(new Status(StatusCode.NotFound, $"unknown session '{sessionId}': no session of this cluster has such an id"))
        : sessionId.StartsWith(StartedPrefix, StringComparison.Ordinal) ? grains.GetGrain<ISessionGrain>(sessionId, SessionGrain.ClassName)
        : grains.GetGrain<ISessionGrain>(sessionId, ForkedSessionGrain.ClassName);

    private static string NewId(string prefix) => prefix + Guid.NewGuid().ToString("N");

    private static bool IsSessionId(string id) =>
        id.Length == 33 && (id[0] == StartedPrefix[0] || id[0] == ForkPrefix[0]) && !id.AsSpan(1).ContainsAnyExcept("0123456789abcdef");
}
