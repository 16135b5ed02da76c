using CompilerGym.Protocol;
using CompilerGym.Protocol.V1;
using CompilerGym.Service.Benchmarks;
using CompilerGym.Service.Sessions;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using StackExchange.Redis;

namespace CompilerGym.Service.Cluster.Sessions;

/// <summary>
/// A session on the cluster. The silo that activates it hosts the session in its own
/// <see cref="SessionManager"/>, with a worker process of its own as on a single server; every
/// request that changes the session writes its record to Redis (<see cref="SessionRecords"/>)
/// before it is answered. When the silo stops (killed, or shut down), the next request activates
/// the grain on another silo, which rebuilds the session from the record by replay: the client
/// sees the same state. Steps from this silo's own gateway are served in place
/// (<see cref="LocalSessionGrains"/>); a turn keeps them and the grain's calls one at a time.
/// </summary>
public abstract class SessionGrainBase(SessionManager local, SessionRecords records, KeptReplies replies, UserBenchmarks uploads,
    SiloActivity activity, LocalSessionGrains here, ILogger logger) : Grain, ISessionGrain
{
    // Sessions of the cluster are not tied to one connection: a client may come back through any silo.
    private const string Connection = "cluster";

    // The last request's id and reply (a step's, or the start's): a request sent again after its
    // reply was lost gets this reply.
    private string _lastRequestId = "";
    private byte[]? _lastReply;

    // Taken by every request, whether Orleans delivered it or it came in place; Orleans' own
    // one-at-a-time delivery does not cover the second kind.
    private readonly SemaphoreSlim _turn = new(1, 1);
    private bool _deactivating;
    private long _lastInPlaceStep;

    private string Id => this.GetPrimaryKeyString();

    public Task<SessionAnswer> Start(byte[] request, CancellationToken cancellation) => Answer(async () =>
    {
        var start = StartSessionRequest.Parser.ParseFrom(request);
        if (await RepeatedStartAsync(start.RequestId) is { } again) return again;
        await uploads.EnsureLocalAsync(start.Benchmark);
        var reply = await local.StartAsync(start, Connection, Id, cancellation);
        (reply.Host, reply.Gateway) = (activity.Host, activity.Gateway);
        byte[] bytes = reply.ToByteArray();
        await RecordAsync(Id, records.WriteAsync(Id, local.RecordOf(Id), start.RequestId, bytes));
        if (start.RequestId.Length > 0) (_lastRequestId, _lastReply) = (start.RequestId, bytes);
        return reply;
    }, cancellation);

    // The reply to a start sent again with its request id, which made this session: the first
    // reply, from where the session is now. Null for a start not made yet (or whose first try failed).
    private async Task<StartSessionReply?> RepeatedStartAsync(string requestId)
    {
        if (requestId.Length == 0 || !await TryEnsureLocalAsync()) return null;
        if (requestId != _lastRequestId || _lastReply is null)
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"session '{Id}', which the start '{requestId}' made, has moved on since"));
        var reply = StartSessionReply.Parser.ParseFrom(_lastReply);
        (reply.Host, reply.Gateway) = (activity.Host, activity.Gateway);
        return reply;
    }

    public Task<SessionAnswer> Step(byte[] request, CancellationToken cancellation) =>
        Answer(() => StepAsync(StepRequest.Parser.ParseFrom(request), cancellation), cancellation);

    /// <summary>
    /// A step served by this activation outside Orleans' messaging, as its silo's gateway asks; null
    /// when it must go as a message instead: the grain is being deactivated, or the session is not
    /// on this silo yet (the message rebuilds it). The request goes as it is, not serialized.
    /// </summary>
    public Task<SessionAnswer?> StepInPlaceAsync(StepRequest request, CancellationToken cancellation) => InTurnAsync<SessionAnswer?>(async () =>
    {
        if (_deactivating || !local.Contains(Id)) return null;
        // Orleans counts only its messages as use: unkept, a session stepped only in place would be collected as idle.
        DelayDeactivation(here.IdleTimeout);
        _lastInPlaceStep = Environment.TickCount64;
        return await AnswerOf(() => StepAsync(request, cancellation));
    }, cancellation);

    // Answered in bytes: a step's reply, serialized once, is also what a repeated step gets.
    private async Task<byte[]> StepAsync(StepRequest step, CancellationToken cancellation)
    {
        await EnsureLocalAsync();
        if (step.RequestId.Length > 0 && step.RequestId == _lastRequestId)
        {
            if (_lastReply is { } last) return last;
            // Applied, but its reply was lost with the silo that made it: the observations it asked
            // for, as they are now (its reward, which compared the program with its state before, is lost).
            var observe = step.Clone();
            observe.Actions.Clear();
            observe.ActionNames.Clear();
            return (await local.StepAsync(observe, Connection, cancellation)).ToByteArray();
        }
        var actions = local.ActionNamesOf(step);
        // A step that asks only for observations changes nothing to keep.
        if (actions.Count == 0) return (await local.StepAsync(step, Connection, cancellation)).ToByteArray();
        // Recorded while the worker computes, so a step costs one of the two, not both; answered
        // once both are done. A step that fails takes its record back.
        int before = local.ActionCount(Id);
        replies.Drop(Id);
        var recording = records.AppendAsync(Id, actions, step.RequestId);
        StepReply reply;
        try { reply = await local.StepAsync(step, Connection, cancellation); }
        catch (RpcException)
        {
            await RecordAsync(Id, TakeBackAsync(recording, before));
            throw;
        }
        await RecordAsync(Id, recording);
        activity.Stepped();
        byte[] bytes = reply.ToByteArray();
        (_lastRequestId, _lastReply) = (step.RequestId, step.RequestId.Length > 0 ? bytes : null);
        // Needed only if this silo dies before the client has the reply: not waited for.
        if (_lastReply is not null) replies.Keep(Id, step.RequestId, bytes);
        return bytes;
    }

    public Task<SessionAnswer> Reset(byte[] request, CancellationToken cancellation) => Answer(async () =>
    {
        var reset = ResetRequest.Parser.ParseFrom(request);
        await EnsureLocalAsync();
        await uploads.EnsureLocalAsync(reset.Benchmark);
        var reply = await local.ResetAsync(reset, Connection, cancellation);
        (_lastRequestId, _lastReply) = ("", null);
        await RecordAsync(Id, records.WriteAsync(Id, local.RecordOf(Id)));
        return reply;
    }, cancellation);

    public Task<SessionAnswer> GetState(byte[] request) => Answer(async () =>
    {
        await EnsureLocalAsync();
        return await local.GetStateAsync(GetStateRequest.Parser.ParseFrom(request), Connection);
    });

    public Task<SessionAnswer> Fork(string forkId, bool before, CancellationToken cancellation) => Answer(async () =>
    {
        // A fork sent again with its request id gets the fork the first made: here, or only in its
        // record if the silo that made it died (its grain restores it at its first request). A
        // fork's grain call sent again after its silo died, which carries the same id, finds it
        // here, or makes it again from the same state.
        if (local.Contains(forkId) || before && await records.ExistsAsync(forkId)) return new ForkReply { SessionId = forkId };
        await EnsureLocalAsync();
        var reply = await local.ForkAsync(new ForkRequest { SessionId = Id }, Connection, forkId, cancellation);
        await RecordAsync(forkId, records.WriteAsync(forkId, local.RecordOf(forkId)));
        // Called from here, the fork's grain is placed on this silo, where its session now is.
        await GrainFactory.GetGrain<ISessionGrain>(forkId, ForkedSessionGrain.ClassName).Adopt();
        return reply;
    }, cancellation);

    public Task Adopt() => Task.CompletedTask;

    public Task<SessionAnswer> End(string reason) => Answer(async () =>
    {
        if (local.Contains(Id)) await local.EndAsync(Id, reason);
        else if (!await records.ExistsAsync(Id)) throw UnknownSession();
        await records.DeleteAsync(Id);
        DeactivateOnIdle();
        return new EndSessionReply();
    });

    public override Task OnActivateAsync(CancellationToken cancellation)
    {
        here.Add(Id, this);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellation)
    {
        here.Remove(Id, this);
        // A step being served in place finishes first; those waiting go as messages, to the next activation.
        await _turn.WaitAsync(CancellationToken.None);
        try
        {
            _deactivating = true;
            // Unused for the idle time-out, the session ends (unless a step came in place as Orleans
            // decided so: its record stays for the next activation); a silo shutting down keeps the
            // record, so another silo takes the session over at its next request.
            if (reason.ReasonCode == DeactivationReasonCode.ActivationIdle && Environment.TickCount64 - _lastInPlaceStep >= here.IdleTimeout.TotalMilliseconds)
                await records.DeleteAsync(Id);
            if (local.Contains(Id))
            {
                try { await local.EndAsync(Id, $"its grain was deactivated ({reason.ReasonCode})"); }
                catch (RpcException) { } // ended meanwhile
            }
        }
        finally { _turn.Release(); }
    }

    private async Task EnsureLocalAsync()
    {
        if (await TryEnsureLocalAsync()) return;
        // No session of this id: its grain, made by the asking, need not stay.
        DeactivateOnIdle();
        throw UnknownSession();
    }

    // A session this silo does not host (yet) is rebuilt from its record: its silo stopped, or it
    // idled out here. False if there is no session of this id.
    private async Task<bool> TryEnsureLocalAsync()
    {
        if (local.Contains(Id)) return true;
        var (record, lastRequestId, lastReply) = await records.ReadAsync(Id);
        if (record is null) return false;
        logger.LogInformation("session {Id} moves to silo {Host}: replaying {Count} actions", Id, activity.Host, record.Actions.Count);
        await uploads.EnsureLocalAsync(record.Benchmark);
        await local.RestoreAsync(Id, record, Connection);
        (_lastRequestId, _lastReply) = (lastRequestId, lastReply);
        return true;
    }

    private RpcException UnknownSession() => new(new Status(StatusCode.NotFound,
        $"unknown session '{Id}': it has ended, or was reclaimed after idling (start a new one, or restore it from its state)"));

    // What a session here became, Redis must hold: a change it could not record is undone here, so
    // that the next request rebuilds the session from the record as it is.
    private async Task RecordAsync(string sessionId, Task writing)
    {
        try { await writing; }
        catch (RedisException e)
        {
            if (local.Contains(sessionId)) await local.EndAsync(sessionId, "a change to it could not be recorded");
            throw new RpcException(new Status(StatusCode.Unavailable, $"the cluster's Redis did not record the change ({e.Message}), so it was undone; try again"));
        }
    }

    // A failed step's actions leave the record once their append is done.
    private async Task TakeBackAsync(Task appending, int actions)
    {
        await appending;
        await records.TruncateAsync(Id, actions, _lastRequestId);
    }

    private Task<SessionAnswer> Answer(Func<Task<IMessage>> call, CancellationToken cancellation = default) =>
        Answer(async () => (await call()).ToByteArray(), cancellation);

    private Task<SessionAnswer> Answer(Func<Task<byte[]>> call, CancellationToken cancellation) => InTurnAsync(() => AnswerOf(call), cancellation);

    private async Task<T> InTurnAsync<T>(Func<Task<T>> body, CancellationToken cancellation)
    {
        await _turn.WaitAsync(cancellation);
        try { return await body(); }
        finally { _turn.Release(); }
    }

    private static async Task<SessionAnswer> AnswerOf(Func<Task<byte[]>> call)
    {
        try { return SessionAnswer.Of(await call()); }
        catch (RpcException e) { return new SessionAnswer(null, (int)e.StatusCode, e.Status.Detail, ErrorReason.Of(e) ?? ""); }
        catch (RedisException e)
        {
            return new SessionAnswer(null, (int)StatusCode.Unavailable, $"the cluster's Redis did not answer ({e.Message}); try again", "");
        }
    }
}

/// <summary>A session started by a client: placed on the silos in turn.</summary>
[InTurnPlacement]
public sealed class SessionGrain(SessionManager local, SessionRecords records, KeptReplies replies, UserBenchmarks uploads,
    SiloActivity activity, LocalSessionGrains here, ILogger<SessionGrain> logger) : SessionGrainBase(local, records, replies, uploads, activity, here, logger)
{
    public static readonly string ClassName = typeof(SessionGrain).FullName!;
}

/// <summary>A fork: placed beside its source, whose worker it shares, as forks do on a single server.</summary>
[PreferLocalPlacement]
public sealed class ForkedSessionGrain(SessionManager local, SessionRecords records, KeptReplies replies, UserBenchmarks uploads,
    SiloActivity activity, LocalSessionGrains here, ILogger<ForkedSessionGrain> logger) : SessionGrainBase(local, records, replies, uploads, activity, here, logger)
{
    public static readonly string ClassName = typeof(ForkedSessionGrain).FullName!;
}
