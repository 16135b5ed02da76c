using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;
using CompilerGym.Protocol;
using CompilerGym.Protocol.V1;
using Grpc.Core;
using CoreObservation = CompilerGym.Core.Spaces.Observation;
using CoreSpace = CompilerGym.Core.Spaces.Space;

namespace CompilerGym.Client;

/// <summary>
/// The environment served by a <c>cgym serve</c> server, behind the same interface as the
/// in-process one. The session starts at the first <see cref="Reset"/> and ends at disposal.
/// Errors a caller can fix (unknown names, malformed programs, unknown sessions) arrive as the
/// same exception types the in-process environment throws; a step that crashed LLVM, ran past the
/// server's time limit or its memory limit arrives as an <see cref="RpcException"/> (Internal,
/// DeadlineExceeded, ResourceExhausted), and the session is then as it was before that step.
/// Session calls go over one stream per environment (see <see cref="CallStream"/>).
/// Given several addresses (the gateways of a cluster, any of which serves every session), a call
/// whose gateway is gone goes again through the next; a step, a start or a fork goes with the same
/// request id, so that a server which applied it already answers it without applying it twice.
/// </summary>
public sealed class RemoteEnv : ICompilerEnv
{
    private readonly RemoteConnection _connection;
    private readonly GetSpacesReply _spaces;
    private string? _sessionId;
    private string _actionSpaceName;
    private IReadOnlyList<string>? _customActions;
    private string? _observationSpace;
    private string? _rewardSpace;
    private CoreSpace _actionSpace;
    private CallStream? _stream;
    private string? _serverLlvmVersion;

    /// <summary>
    /// Connects to a server (<c>http://127.0.0.1:50051</c>), or to the first that answers of a
    /// cluster's gateways separated by commas; the session starts at the first reset.
    /// Without a <paramref name="token"/>, a server on this machine gets the one in the user's token
    /// file (<see cref="Protocol.TokenFile"/>), which the servers they start use by default.
    /// <paramref name="environment"/> is one the server registers (by default its first, <c>llvm-v0</c>):
    /// whose spaces the env offers (a session's environment follows from its benchmark).
    /// </summary>
    public RemoteEnv(string address, string? token = null, string? actionSpace = null, string? observationSpace = null, string? rewardSpace = null,
        string? environment = null)
        : this(RemoteConnection.Open(address, token), null, actionSpace, observationSpace, rewardSpace, environment)
    {
    }

    // A connection's reference is the env's from here: released at disposal, or at once if the env cannot be made.
    internal RemoteEnv(RemoteConnection connection, GetSpacesReply? spaces, string? actionSpace, string? observationSpace, string? rewardSpace,
        string? environment = null)
    {
        _connection = connection;
        try
        {
            _spaces = spaces ?? Call(() => _connection.Call(g => g.Client.GetSpaces(new GetSpacesRequest { Environment = environment ?? "" }, g.Headers)));
        }
        catch
        {
            _connection.Release();
            throw;
        }
        _actionSpaceName = actionSpace ?? _spaces.DefaultActionSpace;
        _actionSpace = FindSpace(_spaces.ActionSpaces, _actionSpaceName, "action");
        _observationSpace = observationSpace;
        _rewardSpace = rewardSpace;
        ActionSpaces = [.. _spaces.ActionSpaces.Select(s => s.ToCore())];
        ObservationSpaces = [.. _spaces.ObservationSpaces.Select(s => s.ToCore())];
        RewardSpaces = [.. _spaces.RewardSpaces.Select(s => s.ToCore())];
        if (observationSpace is not null) FindSpace(_spaces.ObservationSpaces, observationSpace, "observation");
        if (rewardSpace is not null) FindSpace(_spaces.RewardSpaces, rewardSpace, "reward");
    }

    /// <summary>The server's spaces, asked once: envs on the same connection share them.</summary>
    internal GetSpacesReply Spaces => _spaces;

    public IReadOnlyList<CoreSpace> ActionSpaces { get; }
    public IReadOnlyList<CoreSpace> ObservationSpaces { get; }
    public IReadOnlyList<CoreSpace> RewardSpaces { get; }
    public CoreSpace ActionSpace => _actionSpace;
    public CoreSpace? ObservationSpace => _observationSpace is null ? null : ObservationSpaces.First(s => s.Name == _observationSpace);
    public CoreSpace? RewardSpace => _rewardSpace is null ? null : RewardSpaces.First(s => s.Name == _rewardSpace);
    public string? Benchmark { get; private set; }

    /// <summary>The version of the LLVM the server's workers run (<c>22.1.8</c>), asked once.</summary>
    public string ServerLlvmVersion => _serverLlvmVersion ??=
        Call(() => _connection.Call(g => g.Client.GetVersion(new GetVersionRequest(), g.Headers))).LlvmVersion;

    /// <summary>The server's id of this session (null before the first reset).</summary>
    public string? SessionId => _sessionId;

    /// <summary>On a cluster, the silo the session started on (null elsewhere, and before the first reset).</summary>
    public string? Host { get; private set; }

    /// <summary>
    /// The address its calls go through now, of those it was given: after a start on a cluster, the
    /// gateway on its session's silo, if given (and the env's connection serves no other session).
    /// </summary>
    public string Gateway => _connection.Address;

    /// <summary>The silos a cluster started these envs' sessions on, each once, in order of first use (none for envs elsewhere).</summary>
    public static IReadOnlyList<string> Hosts(IEnumerable<ICompilerEnv> envs) => [.. envs.OfType<RemoteEnv>().Select(e => e.Host).OfType<string>().Distinct()];

    /// <summary>
    /// Uploads a program (bitcode, IR text or C source, told apart by the server) under a name of
    /// letters, digits, '-', '_' and '.'; returns its URI, <c>benchmark://user-v0/NAME</c>. A server
    /// opens no file a client names, so this is how a client's own programs reach it.
    /// </summary>
    public string AddBenchmark(string name, byte[] program) =>
        Call(() => _connection.Call(g => g.Client.AddBenchmark(new AddBenchmarkRequest { Name = name, Program = Google.Protobuf.ByteString.CopyFrom(program) },
            g.Headers))).Benchmark;

    public ResetResult Reset(string? benchmark = null, ResetOptions? options = null) => ResetAsync(benchmark, options).GetAwaiter().GetResult();

    /// <summary>The same, without holding a thread while the server works: many envs reset side by side this way.</summary>
    internal async Task<ResetResult> ResetAsync(string? benchmark, ResetOptions? options)
    {
        bool respace = options?.ActionSpace is not null || options?.CustomActions is { Count: > 0 };
        if (_sessionId is null)
        {
            // With an id of its own: sent again after a failover, it is the same start, which a cluster makes one session of.
            var start = new StartSessionRequest
            {
                RequestId = Guid.NewGuid().ToString("N"),
                Benchmark = benchmark ?? throw new InvalidOperationException("Reset needs a benchmark the first time"),
                ActionSpace = (respace ? options!.ActionSpace : _customActions is null ? _actionSpaceName : null) ?? "",
                ObservationSpace = options?.ObservationSpace ?? _observationSpace ?? "",
                RewardSpace = options?.RewardSpace ?? _rewardSpace ?? "",
            };
            start.CustomActions.AddRange(respace ? options!.CustomActions ?? [] : _customActions ?? []);
            var started = await CallAsync(() => _connection.CallAsync(g => g.Client.StartSessionAsync(start, g.Headers).ResponseAsync));
            _sessionId = started.SessionId;
            Host = started.Host.OrNull();
            _connection.Follow(started.Gateway);
            Adopt(started.Benchmark, started.ActionSpace, start.ObservationSpace, start.RewardSpace, [.. start.CustomActions]);
            return new ResetResult(started.Observation?.ToCore(), new ResetInfo(started.Benchmark, started.ActionSpace.Name, started.Seconds));
        }
        var request = ResetRequest(benchmark, options);
        return Adopt(request, options, (await CallAsync(() => Stream.CallAsync(new CallRequest { Reset = request }))).Reset);
    }

    /// <summary>The request <see cref="Reset(string?, ResetOptions?)"/> sends once the session has started: the env's next reset.</summary>
    internal ResetRequest ResetRequest(string? benchmark, ResetOptions? options)
    {
        var request = new ResetRequest
        {
            SessionId = Session(),
            Benchmark = benchmark ?? "",
            ActionSpace = options?.ActionSpace ?? "",
            ObservationSpace = options?.ObservationSpace ?? "",
            RewardSpace = options?.RewardSpace ?? "",
        };
        request.CustomActions.AddRange(options?.CustomActions ?? []);
        return request;
    }

    /// <summary>Takes on the choices of a reset the server applied, and gives its result.</summary>
    internal ResetResult Adopt(ResetRequest request, ResetOptions? options, ResetReply reply)
    {
        bool respace = options?.ActionSpace is not null || options?.CustomActions is { Count: > 0 };
        Adopt(reply.Benchmark, reply.ActionSpace, request.ObservationSpace.OrNull() ?? _observationSpace, request.RewardSpace.OrNull() ?? _rewardSpace,
            respace ? options!.CustomActions : _customActions);
        return new ResetResult(reply.Observation?.ToCore(), new ResetInfo(reply.Benchmark, reply.ActionSpace.Name, reply.Seconds));
    }

    public StepResult Step(int action, StepOptions? options = null) => Step([action], options);

    public StepResult Step(IReadOnlyList<int> actions, StepOptions? options = null)
    {
        var request = StepRequest(actions, options);
        return ToResult(Call(() => Stream.Call(new CallRequest { Step = request }).Step));
    }

    /// <summary>
    /// The step request <see cref="Step(IReadOnlyList{int}, StepOptions?)"/> sends, with an id of its own:
    /// sent again after a failover, it is the same step, which a server applies once.
    /// </summary>
    internal StepRequest StepRequest(IReadOnlyList<int> actions, StepOptions? options)
    {
        var request = new StepRequest { SessionId = Session(), RequestId = Guid.NewGuid().ToString("N") };
        request.Actions.AddRange(actions);
        request.ObservationSpaces.AddRange(options?.ObservationSpaces ?? []);
        request.RewardSpaces.AddRange(options?.RewardSpaces ?? []);
        return request;
    }

    internal static StepResult ToResult(StepReply reply) =>
        new(reply.Observation?.ToCore(), reply.Reward, reply.Terminated, reply.Truncated, new StepInfo(
            reply.IrChanged,
            reply.Observations.ToDictionary(p => p.Key, p => p.Value.ToCore()),
            reply.Rewards.ToDictionary(p => p.Key, p => p.Value),
            reply.Seconds));

    public CoreObservation Observe(string observationSpace)
    {
        var request = new StepRequest { SessionId = Session(), ObservationSpaces = { observationSpace } };
        return Call(() => Stream.Call(new CallRequest { Step = request }).Step).Observations[observationSpace].ToCore();
    }

    public ICompilerEnv Fork()
    {
        // With an id of its own: sent again after a failover, it is the same fork, which a cluster makes once.
        var fork = new ForkRequest { SessionId = Session(), RequestId = Guid.NewGuid().ToString("N") };
        var reply = Call(() => Stream.Call(new CallRequest { Fork = fork }).Fork);
        _connection.AddRef();
        // The action space is copied, not looked up: a custom one is not among the server's spaces.
        return new RemoteEnv(_connection, _spaces, null, _observationSpace, _rewardSpace)
        {
            _sessionId = reply.SessionId,
            _actionSpaceName = _actionSpaceName,
            _actionSpace = _actionSpace,
            _customActions = _customActions,
            Benchmark = Benchmark,
        };
    }

    public EnvState State => StateReply().State.ToCore();

    public string Commandline() => StateReply().Commandline;

    public ValidationResult Validate(EnvState? state = null)
    {
        state ??= State;
        var reply = Call(() => _connection.Call(g => g.Client.Validate(new ValidateRequest { State = state.ToProto() }, g.Headers)));
        return new ValidationResult(state, reply.Ok, [.. reply.Errors], reply.ReplayedReward, reply.Seconds);
    }

    public void Dispose()
    {
        if (_sessionId is { } id)
        {
            _sessionId = null;
            // The server reclaims the session anyway if this fails (it idles, or the connection closes).
            try { Stream.Call(new CallRequest { EndSession = new EndSessionRequest { SessionId = id } }); }
            catch (Exception e) when (e is RpcException || RemoteConnection.IsGone(e)) { }
        }
        _stream?.Dispose();
        _connection.Release();
    }

    private GetStateReply StateReply() =>
        Call(() => Stream.Call(new CallRequest { GetState = new GetStateRequest { SessionId = Session() } }).GetState);

    // Opened at the first session call: an env that never resets needs none.
    private CallStream Stream => _stream ??= new CallStream(_connection);

    private void Adopt(string benchmark, Protocol.V1.Space actionSpace, string? observationSpace, string? rewardSpace, IReadOnlyList<string>? customActions)
    {
        Benchmark = benchmark;
        _actionSpace = actionSpace.ToCore();
        _actionSpaceName = actionSpace.Name;
        _customActions = customActions is { Count: > 0 } ? customActions : null;
        _observationSpace = observationSpace.OrNull();
        _rewardSpace = rewardSpace.OrNull();
    }

    private string Session() => _sessionId ?? throw new InvalidOperationException("the environment has no episode: call Reset(benchmark) first");

    private static CoreSpace FindSpace(IEnumerable<Protocol.V1.Space> spaces, string name, string kind) =>
        spaces.FirstOrDefault(s => s.Name == name)?.ToCore()
        ?? throw new Core.Spaces.UnknownNameException($"unknown {kind} space '{name}'");

    // Errors the caller can fix become the exceptions the in-process environment throws for them.
    internal static T Call<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (RpcException e) when (Translated(e) is { } translated)
        {
            throw translated;
        }
    }

    internal static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException e) when (Translated(e) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>What a call that failed with <paramref name="error"/> on its own throws.</summary>
    internal static Exception Failure(CallError error)
    {
        var e = ErrorReason.Exception((StatusCode)error.Code, error.Message, error.Reason);
        return Translated(e) ?? e;
    }

    private static Exception? Translated(RpcException e) => e.StatusCode switch
    {
        StatusCode.InvalidArgument when ErrorReason.Of(e) == UnknownNameException.Reason => new UnknownNameException(e.Status.Detail),
        StatusCode.InvalidArgument => new ArgumentException(e.Status.Detail, e),
        StatusCode.FailedPrecondition when ErrorReason.Of(e) == InapplicableActionException.Reason => new InapplicableActionException(e.Status.Detail),
        StatusCode.NotFound or StatusCode.FailedPrecondition => new InvalidOperationException(e.Status.Detail, e),
        _ => null,
    };
}
