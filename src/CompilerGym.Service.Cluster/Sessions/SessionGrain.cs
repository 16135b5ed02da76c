using CompilerGym.Protocol;
using CompilerGym.Protocol.V1;
using CompilerGym.Service.Benchmarks;
using CompilerGym.Service.Sessions;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Runtime;

namespace CompilerGym.Service.Cluster.Sessions;

/// <summary>
/// A session on the cluster. The silo that activates it hosts the session in its own
/// <see cref="SessionManager"/>, with a worker process of its own as on a single server; every
/// request that changes the session writes its record to Redis before it is answered. When the
/// silo stops (killed, or shut down), the next request activates the grain on another silo, which
/// rebuilds the session from the record by replay: the client sees the same state.
/// </summary>
public abstract class SessionGrainBase(SessionManager local, UserBenchmarks uploads, SiloActivity activity,
    IPersistentState<SessionRecordState> state, ILogger logger) : Grain, ISessionGrain
{
    public const string Storage = "sessions";
    // Sessions of the cluster are not tied to one connection: a client may come back through any silo.
    private const string Connection = "cluster";

    private string Id => this.GetPrimaryKeyString();

    public Task<SessionAnswer> Start(byte[] request) => Answer(async () =>
    {
        var start = StartSessionRequest.Parser.ParseFrom(request);
        await uploads.EnsureLocalAsync(start.Benchmark);
        var reply = await local.StartAsync(start, Connection, Id);
        reply.Host = activity.Host;
        await SaveAsync();
        return reply;
    });

    public Task<SessionAnswer> Step(byte[] request) => Answer(async () =>
    {
        var step = StepRequest.Parser.ParseFrom(request);
        if (step.RequestId.Length > 0 && step.RequestId == state.State.LastRequestId && state.State.LastReply is { } last)
            return StepReply.Parser.ParseFrom(last);
        await EnsureLocalAsync();
        var reply = await local.StepAsync(step, Connection);
        activity.Stepped();
        // A step that asks only for observations changes nothing to keep.
        if (step.Actions.Count > 0 || step.ActionNames.Count > 0)
        {
            state.State.LastRequestId = step.RequestId;
            state.State.LastReply = step.RequestId.Length > 0 ? reply.ToByteArray() : null;
            await SaveAsync();
        }
        return reply;
    });

    public Task<SessionAnswer> Reset(byte[] request) => Answer(async () =>
    {
        var reset = ResetRequest.Parser.ParseFrom(request);
        await EnsureLocalAsync();
        await uploads.EnsureLocalAsync(reset.Benchmark);
        var reply = await local.ResetAsync(reset, Connection);
        state.State.LastRequestId = "";
        state.State.LastReply = null;
        await SaveAsync();
        return reply;
    });

    public Task<SessionAnswer> GetState(byte[] request) => Answer(async () =>
    {
        await EnsureLocalAsync();
        return await local.GetStateAsync(GetStateRequest.Parser.ParseFrom(request), Connection);
    });

    public Task<SessionAnswer> Fork(string forkId) => Answer(async () =>
    {
        await EnsureLocalAsync();
        var reply = await local.ForkAsync(new ForkRequest { SessionId = Id }, Connection, forkId);
        // Called from here, the fork's grain is placed on this silo, where its session now is.
        await GrainFactory.GetGrain<ISessionGrain>(forkId, ForkedSessionGrain.ClassName).Adopt(local.RecordOf(forkId).ToByteArray());
        return reply;
    });

    public async Task Adopt(byte[] record)
    {
        state.State = new SessionRecordState { Record = record };
        await state.WriteStateAsync();
    }

    public Task<SessionAnswer> End(string reason) => Answer(async () =>
    {
        if (!state.RecordExists && !local.Contains(Id)) throw UnknownSession();
        if (local.Contains(Id)) await local.EndAsync(Id, reason);
        await state.ClearStateAsync();
        DeactivateOnIdle();
        return new EndSessionReply();
    });

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellation)
    {
        // Unused for the idle time-out, the session ends; a silo shutting down keeps the record, so
        // another silo takes the session over at its next request.
        if (reason.ReasonCode == DeactivationReasonCode.ActivationIdle) await state.ClearStateAsync();
        if (local.Contains(Id))
        {
            try { await local.EndAsync(Id, $"its grain was deactivated ({reason.ReasonCode})"); }
            catch (RpcException) { } // ended meanwhile
        }
    }

    // A session this silo does not host (yet) is rebuilt from its record: its silo stopped, or it idled out here.
    private async Task EnsureLocalAsync()
    {
        if (local.Contains(Id)) return;
        if (state.State.Record is not { } bytes) throw UnknownSession();
        var record = StartSessionRequest.Parser.ParseFrom(bytes);
        logger.LogInformation("session {Id} moves to silo {Host}: replaying {Count} actions", Id, activity.Host, record.Actions.Count);
        await uploads.EnsureLocalAsync(record.Benchmark);
        await local.RestoreAsync(Id, record, Connection);
    }

    private async Task SaveAsync()
    {
        state.State.Record = local.RecordOf(Id).ToByteArray();
        await state.WriteStateAsync();
    }

    private RpcException UnknownSession() => new(new Status(StatusCode.NotFound,
        $"unknown session '{Id}': it has ended, or was reclaimed after idling (start a new one, or restore it from its state)"));

    private static async Task<SessionAnswer> Answer(Func<Task<IMessage>> call)
    {
        try { return SessionAnswer.Of((await call()).ToByteArray()); }
        catch (RpcException e) { return new SessionAnswer(null, (int)e.StatusCode, e.Status.Detail, ErrorReason.Of(e) ?? ""); }
    }
}

/// <summary>A session started by a client: placed on the silo with the fewest activations.</summary>
[ActivationCountBasedPlacement]
public sealed class SessionGrain(SessionManager local, UserBenchmarks uploads, SiloActivity activity,
    [PersistentState("session", SessionGrainBase.Storage)] IPersistentState<SessionRecordState> state, ILogger<SessionGrain> logger)
    : SessionGrainBase(local, uploads, activity, state, logger)
{
    public static readonly string ClassName = typeof(SessionGrain).FullName!;
}

/// <summary>A fork: placed beside its source, whose worker it shares, as forks do on a single server.</summary>
[PreferLocalPlacement]
public sealed class ForkedSessionGrain(SessionManager local, UserBenchmarks uploads, SiloActivity activity,
    [PersistentState("session", SessionGrainBase.Storage)] IPersistentState<SessionRecordState> state, ILogger<ForkedSessionGrain> logger)
    : SessionGrainBase(local, uploads, activity, state, logger)
{
    public static readonly string ClassName = typeof(ForkedSessionGrain).FullName!;
}
