using System.Collections.Concurrent;
using CompilerGym.Core.Benchmarks;
using CompilerGym.Protocol;
using CompilerGym.Protocol.V1;
using CompilerGym.Protocol.Worker;
using CompilerGym.Service.Hosting;
using CompilerGym.Service.Workers;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CompilerGym.Service.Sessions;

/// <summary>
/// The sessions of the server, each in its own worker process. When a worker fails in the middle
/// of a request (an LLVM crash, a time-out, the memory limit), the session is rebuilt in a new
/// worker from its record, without the failing request, and the caller gets an error naming what
/// failed. Nothing else is touched: other sessions live in other processes.
/// </summary>
public sealed class SessionManager(
    WorkerPool pool, IOptions<ServiceOptions> options, ConnectionTracker connections, ILogger<SessionManager> logger)
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new();
    private readonly ServiceOptions _options = options.Value;

    public int Count => _sessions.Count;

    public async Task<StartSessionReply> StartAsync(StartSessionRequest request, string connectionId)
    {
        if (request.Benchmark.Length == 0) throw Invalid("StartSession needs a benchmark");
        CheckBenchmarkAllowed(request.Benchmark);
        CheckCapacity();
        var record = request.Clone();
        var (worker, reply) = await StartWorkerAsync(record, _options.SetupTimeLimit,
            $"starting a session on {request.Benchmark}");
        record.Benchmark = reply.Benchmark;
        record.ActionSpace = reply.ActionSpace.Name;
        var session = new Session(Guid.NewGuid().ToString("N"), worker, record, reply.ActionSpace, connectionId);
        _sessions[session.Id] = session;
        logger.LogInformation("session {Id} started on {Benchmark} in worker {Pid}", session.Id, reply.Benchmark, worker.Pid);
        reply.SessionId = session.Id;
        return reply;
    }

    public async Task<StepReply> StepAsync(StepRequest request, string connectionId)
    {
        var session = await EnterAsync(request.SessionId, connectionId);
        try
        {
            var names = ActionNames(session, request);
            string what = names.Count > 0
                ? $"action{(names.Count > 1 ? "s" : "")} {string.Join(", ", names.Select(n => $"'{n}'"))}"
                : $"observing {string.Join(", ", request.ObservationSpaces.Concat(request.RewardSpaces).DefaultIfEmpty("the session"))}";
            var reply = await CallAsync(session, new WorkerRequest { Step = request }, _options.StepTimeLimit, what);
            session.Record.Actions.AddRange(names);
            return reply.Step;
        }
        finally { Leave(session); }
    }

    public async Task<ResetReply> ResetAsync(ResetRequest request, string connectionId)
    {
        if (request.Benchmark.Length > 0) CheckBenchmarkAllowed(request.Benchmark);
        var session = await EnterAsync(request.SessionId, connectionId);
        try
        {
            var reply = (await CallAsync(session, new WorkerRequest { Reset = request }, _options.SetupTimeLimit,
                $"resetting to {request.Benchmark.OrNull() ?? session.Record.Benchmark}")).Reset;
            var record = session.Record;
            record.Benchmark = reply.Benchmark;
            if (request.ActionSpace.Length > 0 || request.CustomActions.Count > 0)
            {
                record.CustomActions.Clear();
                record.CustomActions.AddRange(request.CustomActions);
            }
            record.ActionSpace = reply.ActionSpace.Name;
            if (request.ObservationSpace.Length > 0) record.ObservationSpace = request.ObservationSpace;
            if (request.RewardSpace.Length > 0) record.RewardSpace = request.RewardSpace;
            record.Actions.Clear();
            session.ActionSpace = reply.ActionSpace;
            return reply;
        }
        finally { Leave(session); }
    }

    public async Task<ForkReply> ForkAsync(ForkRequest request, string connectionId)
    {
        var source = await EnterAsync(request.SessionId, connectionId);
        StartSessionRequest record;
        try { record = source.Record.Clone(); }
        finally { Leave(source); }

        CheckCapacity();
        // Replaying the record is deterministic: the fork is in the source's state.
        var (worker, reply) = await StartWorkerAsync(record, _options.SetupTimeLimit, $"forking session {source.Id}");
        var fork = new Session(Guid.NewGuid().ToString("N"), worker, record, reply.ActionSpace, connectionId);
        _sessions[fork.Id] = fork;
        logger.LogInformation("session {Id} forked from {Source} in worker {Pid}", fork.Id, source.Id, worker.Pid);
        return new ForkReply { SessionId = fork.Id };
    }

    public async Task<GetStateReply> GetStateAsync(GetStateRequest request, string connectionId)
    {
        var session = await EnterAsync(request.SessionId, connectionId);
        try { return (await CallAsync(session, new WorkerRequest { State = request }, _options.StepTimeLimit, "reading the state")).State; }
        finally { Leave(session); }
    }

    public async Task EndAsync(string sessionId, string reason)
    {
        if (!_sessions.TryRemove(sessionId, out var session)) throw UnknownSession(sessionId);
        await session.Gate.WaitAsync();
        try
        {
            session.Ended = true;
            pool.Release(session.Worker);
            logger.LogInformation("session {Id} ended: {Reason}", sessionId, reason);
        }
        finally { session.Gate.Release(); }
    }

    /// <summary>Runs a one-off request (a validation, a program check) in a worker of its own.</summary>
    public async Task<WorkerReply> RunOnceAsync(WorkerRequest request, string what)
    {
        var worker = await pool.TakeAsync();
        try
        {
            var reply = await worker.CallAsync(request, _options.SetupTimeLimit, _options.WorkerMemoryLimitBytes);
            return reply.KindCase == WorkerReply.KindOneofCase.Error ? throw ToRpc(reply.Error) : reply;
        }
        catch (WorkerFailedException e)
        {
            throw new RpcException(new Status(CodeOf(e.Failure), $"{what} {Cause(e)}"));
        }
        finally { pool.Release(worker); }
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

    private async Task<(WorkerProcess, StartSessionReply)> StartWorkerAsync(StartSessionRequest record, TimeSpan timeLimit, string what)
    {
        var worker = await pool.TakeAsync();
        try
        {
            var reply = await worker.CallAsync(new WorkerRequest { Start = record }, timeLimit, _options.WorkerMemoryLimitBytes);
            return reply.KindCase == WorkerReply.KindOneofCase.Error ? throw ToRpc(reply.Error) : (worker, reply.Start);
        }
        catch (WorkerFailedException e)
        {
            pool.Release(worker);
            throw new RpcException(new Status(CodeOf(e.Failure), $"{what}: the worker {Cause(e)}"));
        }
        catch
        {
            pool.Release(worker);
            throw;
        }
    }

    private async Task<WorkerReply> CallAsync(Session session, WorkerRequest request, TimeSpan timeLimit, string what)
    {
        WorkerReply reply;
        try
        {
            reply = await session.Worker.CallAsync(request, timeLimit, _options.WorkerMemoryLimitBytes);
        }
        catch (WorkerFailedException e)
        {
            throw await RecoverAsync(session, e, what);
        }
        return reply.KindCase == WorkerReply.KindOneofCase.Error ? throw ToRpc(reply.Error) : reply;
    }

    private async Task<RpcException> RecoverAsync(Session session, WorkerFailedException failure, string what)
    {
        pool.Release(session.Worker);
        string message = $"{what} {Cause(failure)}";
        logger.LogWarning("session {Id}: {Message}; restoring it from {Count} actions", session.Id, message, session.Record.Actions.Count);
        try
        {
            var (worker, _) = await StartWorkerAsync(session.Record, _options.SetupTimeLimit, "restoring the session");
            session.Worker = worker;
            return new RpcException(new Status(CodeOf(failure.Failure),
                $"{message}; the session was restored in a new worker to its state before this request"));
        }
        catch (Exception e)
        {
            session.Ended = true;
            _sessions.TryRemove(session.Id, out _);
            logger.LogError(e, "session {Id} could not be restored and has ended", session.Id);
            return new RpcException(new Status(CodeOf(failure.Failure),
                $"{message}; restoring the session failed ({(e as RpcException)?.Status.Detail ?? e.Message}), so it has ended"));
        }
    }

    private string Cause(WorkerFailedException failure) => failure.Failure switch
    {
        WorkerFailure.Crashed => $"crashed LLVM: {failure.Detail}",
        WorkerFailure.TimedOut => $"ran past the time limit and was stopped",
        _ => $"passed the worker memory limit of {_options.WorkerMemoryLimitMiB} MiB and was stopped",
    };

    private static StatusCode CodeOf(WorkerFailure failure) => failure switch
    {
        WorkerFailure.Crashed => StatusCode.Internal,
        WorkerFailure.TimedOut => StatusCode.DeadlineExceeded,
        _ => StatusCode.ResourceExhausted,
    };

    private async Task<Session> EnterAsync(string sessionId, string connectionId)
    {
        if (!_sessions.TryGetValue(sessionId, out var session)) throw UnknownSession(sessionId);
        await session.Gate.WaitAsync();
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

    // The names of the actions a step asks for, checked against the session's action space.
    private static List<string> ActionNames(Session session, StepRequest request)
    {
        if (request.Actions.Count > 0 && request.ActionNames.Count > 0) throw Invalid("give actions by index or by name, not both");
        var names = session.ActionSpace.Names;
        foreach (int id in request.Actions)
            if (id < 0 || id >= names.Count)
                throw Invalid($"action {id} is out of range for {session.ActionSpace.Name} (0..{names.Count - 1})");
        foreach (string name in request.ActionNames)
            if (!names.Contains(name)) throw Invalid($"unknown action '{name}' in {session.ActionSpace.Name}");
        return request.ActionNames.Count > 0 ? [.. request.ActionNames] : [.. request.Actions.Select(id => names[id])];
    }

    /// <summary>Refuses files on the server's machine unless they are allowed (see <see cref="ServiceOptions.AllowFileBenchmarks"/>).</summary>
    public void CheckBenchmarkAllowed(string benchmark)
    {
        if (_options.AllowFileBenchmarks == true) return;
        BenchmarkUri uri;
        try { uri = BenchmarkUri.Parse(benchmark); }
        catch (FormatException e) { throw Invalid(e.Message); }
        if (uri.Scheme == "file")
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"this server does not open files named by clients ({benchmark}); upload the program with AddBenchmark"));
    }

    private void CheckCapacity()
    {
        if (_sessions.Count >= _options.MaxSessions)
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"the server has {_sessions.Count} sessions, its limit (Service:MaxSessions); end some first"));
    }

    private static RpcException ToRpc(WorkerError error) => new(new Status((StatusCode)error.StatusCode, error.Message));

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    private static RpcException UnknownSession(string id) => new(new Status(StatusCode.NotFound,
        $"unknown session '{id}': it has ended, or was reclaimed after idling (start a new one, or restore it from its state)"));
}
