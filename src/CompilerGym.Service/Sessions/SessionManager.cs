using System.Collections.Concurrent;
using CompilerGym.Core.Environments;
using CompilerGym.Protocol;
using CompilerGym.Protocol.V1;
using CompilerGym.Protocol.Worker;
using CompilerGym.Service.Benchmarks;
using CompilerGym.Service.Hosting;
using CompilerGym.Service.Workers;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CompilerGym.Service.Sessions;

/// <summary>
/// The sessions of the server. A new session gets a worker process of its own; its forks share
/// that worker, since forking in process is cheap. When a worker fails in the middle of a request
/// (an LLVM crash, a time-out, the memory limit), the session is rebuilt in a new worker from its
/// record, without the failing request, and the caller gets an error naming what failed; the other
/// sessions of that worker are rebuilt, whole, at their next request. A worker found dead before a
/// request reached it (it died while idle) costs nothing but the rebuild: the request is then
/// served. Sessions of other workers are never touched.
///
/// A request takes its call's cancellation token (its client cancelled, or its deadline passed): a
/// request still waiting for its turn is dropped; one being served is stopped with its worker and
/// the session restored without it, as at a time-out; one served but not yet recorded is undone.
/// </summary>
public sealed class SessionManager(WorkerPool pool, WorkerErrors errors, FileAccessPolicy files, TrustedBuilds builds,
    IOptions<ServiceOptions> options, ConnectionTracker connections, EnvRegistry registry, ILogger<SessionManager> logger) : ISessions
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new();
    private readonly ServiceOptions _options = options.Value;

    public int Count => _sessions.Count;

    public Task<StartSessionReply> StartAsync(StartSessionRequest request, string connectionId, CancellationToken cancellation = default) =>
        StartAsync(request, connectionId, NewId(), cancellation);

    /// <summary>Starts a session under an id of the caller's choosing (a cluster's, unique across its silos).</summary>
    public async Task<StartSessionReply> StartAsync(StartSessionRequest request, string connectionId, string id, CancellationToken cancellation = default)
    {
        if (request.Benchmark.Length == 0) throw Invalid("StartSession needs a benchmark");
        files.CheckBenchmarkAllowed(request.Benchmark);
        files.CheckCustomActionsAllowed(request.CustomActions);
        CheckCapacity();
        await builds.EnsureAsync(request.Benchmark);
        if (_sessions.ContainsKey(id)) throw new RpcException(new Status(StatusCode.AlreadyExists, $"session '{id}' exists"));
        var record = request.Clone();
        record.RequestId = ""; // what the session is, not which request made it
        // The set-up limit covers building the program; the actions a client gives are a step of
        // its own choosing, under the step limit as any step: else a client could run anything for
        // as long as the set-up limit by asking for it here.
        var setup = request.Clone();
        setup.Actions.Clear();
        var (worker, reply) = await StartInNewWorkerAsync(id, setup, $"starting a session on {request.Benchmark}", cancellation);
        try
        {
            if (request.Actions.Count > 0)
            {
                var step = new WorkerRequest { Session = id, Step = new StepRequest { ActionNames = { request.Actions } } };
                reply.Observation = WorkerErrors.Checked(await worker.CallAsync(step, _options.StepTimeLimit, _options.WorkerMemoryLimitBytes, cancellation)).Step.Observation;
            }
            // Answered, but to no one: no session is kept for a client that stopped waiting.
            cancellation.ThrowIfCancellationRequested();
        }
        catch (WorkerFailedException e)
        {
            DetachFrom(worker);
            throw errors.ToRpc(e, $"applying the actions given to start a session on {request.Benchmark}");
        }
        catch
        {
            DetachFrom(worker);
            throw;
        }
        record.Benchmark = reply.Benchmark;
        record.ActionSpace = reply.ActionSpace.Name;
        _sessions[id] = new Session(id, worker, record, reply.ActionSpace, connectionId);
        logger.LogInformation("session {Id} started on {Benchmark} in worker {Pid}", id, reply.Benchmark, worker.Pid);
        reply.SessionId = id;
        return reply;
    }

    public async Task<StepReply> StepAsync(StepRequest request, string connectionId, CancellationToken cancellation = default)
    {
        var session = await EnterAsync(request.SessionId, connectionId, cancellation);
        try
        {
            var names = ActionNames(session, request);
            var reply = await CallAsync(session, new WorkerRequest { Step = request }, _options.StepTimeLimit, () => StepDescription(names, request), cancellation);
            session.Record.Actions.AddRange(names);
            return reply.Step;
        }
        finally { Leave(session); }
    }

    public async Task<ResetReply> ResetAsync(ResetRequest request, string connectionId, CancellationToken cancellation = default)
    {
        if (request.Benchmark.Length > 0) files.CheckBenchmarkAllowed(request.Benchmark);
        files.CheckCustomActionsAllowed(request.CustomActions);
        var session = await EnterAsync(request.SessionId, connectionId, cancellation);
        try
        {
            var record = session.Record;
            string benchmark = request.Benchmark.OrNull() ?? record.Benchmark, what = $"resetting to {benchmark}";
            await builds.EnsureAsync(benchmark);
            // The worker meets a benchmark of another environment with a new env of that kind, which
            // keeps none of the old one's spaces: the record, replayed to restore the session, must not either.
            bool otherEnv = registry.For(benchmark) != registry.For(record.Benchmark);
            var reply = session.Worker.CanRead(files.ReadablePaths(benchmark, request.CustomActions))
                ? (await CallAsync(session, new WorkerRequest { Reset = request }, _options.SetupTimeLimit, what, cancellation)).Reset
                : await ResetInNewWorkerAsync(session, request, otherEnv, what, cancellation);
            record.Benchmark = reply.Benchmark;
            if (request.ActionSpace.Length > 0 || request.CustomActions.Count > 0 || otherEnv)
            {
                record.CustomActions.Clear();
                record.CustomActions.AddRange(request.CustomActions);
            }
            record.ActionSpace = reply.ActionSpace.Name;
            if (request.ObservationSpace.Length > 0 || otherEnv) record.ObservationSpace = request.ObservationSpace;
            if (request.RewardSpace.Length > 0 || otherEnv) record.RewardSpace = request.RewardSpace;
            record.Actions.Clear();
            session.ActionSpace = reply.ActionSpace;
            return reply;
        }
        finally { Leave(session); }
    }

    public Task<ForkReply> ForkAsync(ForkRequest request, string connectionId, CancellationToken cancellation = default) =>
        ForkAsync(request, connectionId, NewId(), cancellation);

    /// <summary>Forks a session into one under an id of the caller's choosing.</summary>
    public async Task<ForkReply> ForkAsync(ForkRequest request, string connectionId, string id, CancellationToken cancellation = default)
    {
        var source = await EnterAsync(request.SessionId, connectionId, cancellation);
        try
        {
            CheckCapacity();
            if (_sessions.ContainsKey(id)) throw new RpcException(new Status(StatusCode.AlreadyExists, $"session '{id}' exists"));
            var fork = new WorkerRequest { Fork = new ForkRequest { SessionId = id } };
            await CallAsync(source, fork, _options.StepTimeLimit, $"forking session {source.Id}", cancellation);
            source.Worker.Attach();
            _sessions[id] = new Session(id, source.Worker, source.Record.Clone(), source.ActionSpace, connectionId);
            return new ForkReply { SessionId = id };
        }
        finally { Leave(source); }
    }

    public async Task<GetStateReply> GetStateAsync(GetStateRequest request, string connectionId)
    {
        var session = await EnterAsync(request.SessionId, connectionId);
        try { return (await CallAsync(session, new WorkerRequest { State = request }, _options.StepTimeLimit, "reading the state")).State; }
        finally { Leave(session); }
    }

    /// <summary>Whether this process hosts the session.</summary>
    public bool Contains(string sessionId) => _sessions.ContainsKey(sessionId);

    /// <summary>
    /// A StartSession request that recreates the session as it is now, actions included (a copy).
    /// Taken between requests, as the session's requests take turns.
    /// </summary>
    public StartSessionRequest RecordOf(string sessionId) =>
        _sessions.TryGetValue(sessionId, out var session) ? session.Record.Clone() : throw UnknownSession(sessionId);

    /// <summary>The names of the actions a step asks for, checked against its session's action space.</summary>
    public IReadOnlyList<string> ActionNamesOf(StepRequest request) =>
        _sessions.TryGetValue(request.SessionId, out var session) ? ActionNames(session, request) : throw UnknownSession(request.SessionId);

    /// <summary>How many actions the session's record holds.</summary>
    public int ActionCount(string sessionId) =>
        _sessions.TryGetValue(sessionId, out var session) ? session.Record.Actions.Count : throw UnknownSession(sessionId);

    /// <summary>
    /// Rebuilds a session from its record in a new worker, under its own id: a session whose host
    /// stopped, moved here. Its actions, each of which once ran within a step's limit, replay under
    /// the set-up limit, as when a session is restored after its worker failed.
    /// </summary>
    public async Task RestoreAsync(string id, StartSessionRequest record, string connectionId)
    {
        if (_sessions.ContainsKey(id)) return;
        files.CheckBenchmarkAllowed(record.Benchmark);
        files.CheckCustomActionsAllowed(record.CustomActions);
        CheckCapacity();
        await builds.EnsureAsync(record.Benchmark);
        var (worker, reply) = await StartInNewWorkerAsync(id, record, $"restoring a session on {record.Benchmark}");
        var kept = record.Clone();
        kept.Benchmark = reply.Benchmark;
        kept.ActionSpace = reply.ActionSpace.Name;
        if (!_sessions.TryAdd(id, new Session(id, worker, kept, reply.ActionSpace, connectionId)))
        {
            DetachFrom(worker); // restored meanwhile by another request
            return;
        }
        logger.LogInformation("session {Id} restored on {Benchmark} from {Count} actions in worker {Pid}", id, reply.Benchmark, record.Actions.Count, worker.Pid);
    }

    public async Task EndAsync(string sessionId, string reason)
    {
        if (!_sessions.TryRemove(sessionId, out var session)) throw UnknownSession(sessionId);
        await session.Gate.WaitAsync();
        try
        {
            session.Ended = true;
            await LeaveWorkerAsync(sessionId, session.Worker);
            logger.LogInformation("session {Id} ended: {Reason}", sessionId, reason);
        }
        finally { session.Gate.Release(); }
    }

    /// <summary>Ends sessions idle past the idle time-out, and those whose client has gone past the orphan time-out.</summary>
    public async Task<int> ReapAsync()
    {
        int reaped = 0;
        foreach (var session in _sessions.Values)
        {
            // A session in the middle of a request is in use, however long the request takes.
            if (session.Gate.CurrentCount == 0) continue;
            string? reason = null;
            if (session.Idle.TotalSeconds > _options.IdleTimeoutSeconds) reason = $"idle for {session.Idle.TotalSeconds:F0} s";
            else if (connections.ClosedFor(session.ConnectionId) is { } gone && gone.TotalSeconds > _options.OrphanTimeoutSeconds
                && session.Idle.TotalSeconds > _options.OrphanTimeoutSeconds)
                reason = $"its client disconnected {gone.TotalSeconds:F0} s ago";
            if (reason is null) continue;
            try { await EndAsync(session.Id, reason); reaped++; }
            catch (RpcException) { } // ended meanwhile
        }
        connections.Forget(TimeSpan.FromSeconds(Math.Max(_options.IdleTimeoutSeconds, _options.OrphanTimeoutSeconds) * 2));
        return reaped;
    }

    // A reset to files the session's worker cannot read moves the session to a worker that can.
    private async Task<ResetReply> ResetInNewWorkerAsync(Session session, ResetRequest request, bool otherEnv, string what,
        CancellationToken cancellation)
    {
        var record = session.Record.Clone();
        if (request.Benchmark.Length > 0) record.Benchmark = request.Benchmark;
        if (request.ActionSpace.Length > 0 || request.CustomActions.Count > 0 || otherEnv)
        {
            record.ActionSpace = request.ActionSpace;
            record.CustomActions.Clear();
            record.CustomActions.AddRange(request.CustomActions);
        }
        if (request.ObservationSpace.Length > 0 || otherEnv) record.ObservationSpace = request.ObservationSpace;
        if (request.RewardSpace.Length > 0 || otherEnv) record.RewardSpace = request.RewardSpace;
        record.Actions.Clear();
        var (worker, started) = await StartInNewWorkerAsync(session.Id, record, what, cancellation);
        if (cancellation.IsCancellationRequested)
        {
            // Answered to no one: the session stays where and as it was.
            DetachFrom(worker);
            cancellation.ThrowIfCancellationRequested();
        }
        var previous = session.Worker;
        session.Worker = worker;
        await LeaveWorkerAsync(session.Id, previous);
        var reply = new ResetReply { Benchmark = started.Benchmark, ActionSpace = started.ActionSpace, Seconds = started.Seconds };
        if (started.Observation is not null) reply.Observation = started.Observation;
        return reply;
    }

    private async Task<(WorkerProcess, StartSessionReply)> StartInNewWorkerAsync(string id, StartSessionRequest record, string what,
        CancellationToken cancellation = default)
    {
        var worker = await pool.TakeAsync(files.ReadablePaths(record.Benchmark, record.CustomActions));
        worker.Attach();
        try
        {
            var reply = await worker.CallAsync(new WorkerRequest { Session = id, Start = record }, _options.SetupTimeLimit,
                _options.WorkerMemoryLimitBytes, cancellation);
            return (worker, WorkerErrors.Checked(reply).Start);
        }
        catch (WorkerFailedException e)
        {
            DetachFrom(worker);
            throw errors.ToRpc(e, $"{what}: the worker");
        }
        catch
        {
            DetachFrom(worker);
            throw;
        }
    }

    private Task<WorkerReply> CallAsync(Session session, WorkerRequest request, TimeSpan timeLimit, string what,
        CancellationToken cancellation = default) => CallAsync(session, request, timeLimit, () => what, cancellation);

    // What the request does is described only when it fails: a step's description costs more than a cheap step's routing.
    private async Task<WorkerReply> CallAsync(Session session, WorkerRequest request, TimeSpan timeLimit, Func<string> what,
        CancellationToken cancellation = default)
    {
        request.Session = session.Id;
        for (int attempt = 0; ; attempt++)
        {
            // Another session's request may have ended the worker this one shares.
            if (session.Worker.Failed) await RebuildAsync(session);
            WorkerReply reply;
            try
            {
                reply = WorkerErrors.Checked(await session.Worker.CallAsync(request, timeLimit, _options.WorkerMemoryLimitBytes, cancellation));
            }
            catch (WorkerFailedException e) when (e.Failure == WorkerFailure.Gone && attempt == 0)
            {
                logger.LogWarning("session {Id}: worker {Pid} {Detail}; restoring the session from {Count} actions for {What}",
                    session.Id, session.Worker.Pid, e.Detail, session.Record.Actions.Count, what());
                continue;
            }
            catch (WorkerFailedException e)
            {
                throw await RecoverAsync(session, e, what());
            }
            if (cancellation.IsCancellationRequested) throw await UndoAsync(session, request, what());
            return reply;
        }
    }

    // The worker served a request whose client stopped waiting before it was recorded. A fork's
    // source is as it was: only the copy goes. Any other request changed the session, which is
    // rebuilt from its record, where the request is not.
    private async Task<RpcException> UndoAsync(Session session, WorkerRequest request, string what)
    {
        if (request.KindCase == WorkerRequest.KindOneofCase.Fork) await EndInWorkerAsync(session.Worker, request.Fork.SessionId);
        else
        {
            await EndInWorkerAsync(session.Worker, session.Id);
            await RebuildAsync(session);
        }
        logger.LogInformation("session {Id}: {What} was undone: its client stopped waiting", session.Id, what);
        return new RpcException(new Status(StatusCode.Cancelled,
            $"{what}: the client cancelled the call or its deadline passed, so it was undone"));
    }

    // Frees a session's memory in a worker that other sessions may still use.
    private async Task EndInWorkerAsync(WorkerProcess worker, string sessionId)
    {
        if (worker.Failed) return;
        try
        {
            await worker.CallAsync(new WorkerRequest { Session = sessionId, End = new EndSessionRequest() },
                _options.StepTimeLimit, _options.WorkerMemoryLimitBytes);
        }
        catch (WorkerFailedException) { } // its other sessions find out at their next request
    }

    private async Task<RpcException> RecoverAsync(Session session, WorkerFailedException failure, string what)
    {
        string message = errors.Describe(failure, what);
        logger.LogWarning("session {Id}: {Message}; restoring it from {Count} actions", session.Id, message, session.Record.Actions.Count);
        try
        {
            await RebuildAsync(session);
            return new RpcException(new Status(WorkerErrors.CodeOf(failure.Failure),
                $"{message}; the session was restored in a new worker to its state before this request"));
        }
        catch (RpcException e)
        {
            return new RpcException(new Status(StatusCode.Aborted, $"{message}; {e.Status.Detail}"));
        }
    }

    // Replays the session's record into a new worker; if even that fails, the session ends. The
    // actions replayed are under the set-up limit: each already ran within a step's limit.
    private async Task RebuildAsync(Session session)
    {
        DetachFrom(session.Worker);
        try
        {
            var (worker, _) = await StartInNewWorkerAsync(session.Id, session.Record, "restoring the session");
            session.Worker = worker;
        }
        catch (RpcException e)
        {
            session.Ended = true;
            _sessions.TryRemove(session.Id, out _);
            logger.LogError("session {Id} could not be restored and has ended: {Error}", session.Id, e.Status.Detail);
            throw new RpcException(new Status(StatusCode.Aborted,
                $"its worker stopped and restoring the session failed ({e.Status.Detail}), so it has ended"));
        }
    }

    // Frees the session's memory in a worker that its forks may still use, and ends the worker with its last session.
    private async Task LeaveWorkerAsync(string sessionId, WorkerProcess worker)
    {
        // A worker's last session ends with it: no call to free what the kill frees. (No session can
        // join meanwhile: forks are made from a session of the worker, and this one is held.)
        if (worker.Sessions > 1) await EndInWorkerAsync(worker, sessionId);
        DetachFrom(worker);
    }

    private void DetachFrom(WorkerProcess worker)
    {
        if (worker.Detach() == 0) pool.End(worker);
    }

    private async Task<Session> EnterAsync(string sessionId, string connectionId, CancellationToken cancellation = default)
    {
        if (!_sessions.TryGetValue(sessionId, out var session)) throw UnknownSession(sessionId);
        await session.Gate.WaitAsync(cancellation);
        if (session.Ended)
        {
            session.Gate.Release();
            throw UnknownSession(sessionId);
        }
        session.ConnectionId = connectionId;
        return session;
    }

    private static void Leave(Session session)
    {
        session.LastUsed = System.Diagnostics.Stopwatch.GetTimestamp();
        session.Gate.Release();
    }

    // What a step did, for its errors and log lines only.
    private static string StepDescription(List<string> names, StepRequest request) => names.Count > 0
        ? $"action{(names.Count > 1 ? "s" : "")} {string.Join(", ", names.Select(n => $"'{n}'"))}"
        : $"observing {string.Join(", ", request.ObservationSpaces.Concat(request.RewardSpaces).DefaultIfEmpty("the session"))}";

    // The names of the actions a step asks for, checked against the session's action space.
    private static List<string> ActionNames(Session session, StepRequest request)
    {
        if (request.Actions.Count > 0 && request.ActionNames.Count > 0) throw Invalid("give actions by index or by name, not both");
        var names = session.ActionSpace.Names;
        foreach (int id in request.Actions)
            if (id < 0 || id >= names.Count)
                throw UnknownName($"action {id} is out of range for {session.ActionSpace.Name} (0..{names.Count - 1})");
        foreach (string name in request.ActionNames)
            if (!names.Contains(name)) throw UnknownName($"unknown action '{name}' in {session.ActionSpace.Name}");
        return request.ActionNames.Count > 0 ? [.. request.ActionNames] : [.. request.Actions.Select(id => names[id])];
    }

    private void CheckCapacity()
    {
        if (_sessions.Count >= _options.MaxSessions)
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"the server has {_sessions.Count} sessions, its limit (Service:MaxSessions); end some first"));
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    private static RpcException UnknownName(string message) => ErrorReason.Exception(StatusCode.InvalidArgument, message, Core.Spaces.UnknownNameException.Reason);

    private static RpcException UnknownSession(string id) => new(new Status(StatusCode.NotFound,
        $"unknown session '{id}': it has ended, or was reclaimed after idling (start a new one, or restore it from its state)"));
}
