using System.Net;
using CompilerGym.Protocol.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Proto = CompilerGym.Protocol.V1;

namespace CompilerGym.Client.Tests;

/// <summary>
/// The sessions of a toy cluster, shared by its gateways as a cluster's are through Redis: a
/// session counts the actions applied to it, and keeps its last step's request id and reply, so
/// that a step sent again with that id is answered without being applied twice; a start or a fork
/// sent again with its request id gets the session it made.
/// </summary>
public sealed class ToyCluster
{
    public static readonly Proto.Space ActionSpace = new() { Name = "toy", Kind = SpaceKind.Discrete, Names = { "add-one", "add-two" } };

    private readonly Dictionary<string, Session> _sessions = [];
    private readonly Dictionary<string, string> _made = [];
    private int _nextId;

    public int Sessions
    {
        get { lock (_sessions) return _sessions.Count; }
    }

    public string Start(string requestId) => Make(requestId, () => new Session());

    public string Fork(string id, string requestId) => Make(requestId, () => new Session { Applied = Find(id).Applied });

    // The id of a new session, unless the request id made one before.
    private string Make(string requestId, Func<Session> session)
    {
        lock (_sessions)
        {
            if (requestId.Length > 0 && _made.TryGetValue(requestId, out var made)) return made;
            string id = $"s{++_nextId}";
            _sessions[id] = session();
            if (requestId.Length > 0) _made[requestId] = id;
            return id;
        }
    }

    /// <summary>The number of actions applied to a session so far.</summary>
    public int Applied(string id)
    {
        lock (_sessions) return Find(id).Applied;
    }

    public StepReply Step(StepRequest request)
    {
        lock (_sessions)
        {
            var session = Find(request.SessionId);
            if (request.RequestId.Length > 0 && request.RequestId == session.LastRequestId) return session.LastReply!;
            if (request.Actions.Any(a => a < 0 || a >= ActionSpace.Names.Count))
                throw new RpcException(new Status(StatusCode.InvalidArgument, "no such action"));
            session.Applied += request.Actions.Sum(a => a + 1);
            session.LastRequestId = request.RequestId;
            return session.LastReply = new StepReply { Reward = session.Applied, IrChanged = true };
        }
    }

    public void End(string id)
    {
        lock (_sessions) _sessions.Remove(id);
    }

    private Session Find(string id) =>
        _sessions.TryGetValue(id, out var session) ? session : throw new RpcException(new Status(StatusCode.NotFound, $"unknown session '{id}'"));

    private sealed class Session
    {
        public int Applied;
        public string? LastRequestId;
        public StepReply? LastReply;
    }
}

/// <summary>
/// One gateway of a <see cref="ToyCluster"/>: the contract's calls a remote env makes, on a free
/// loopback port. It records the step, start and fork request ids it receives, and can be told to
/// drop the connection after applying the next step, start or fork, as a gateway that stops just
/// then would.
/// </summary>
public sealed class ClusterGateway : Proto.CompilerGym.CompilerGymBase, IAsyncDisposable
{
    private readonly ToyCluster _cluster;
    private readonly List<string> _stepIds = [];
    private readonly List<string> _startIds = [];
    private readonly List<string> _forkIds = [];
    private WebApplication? _app;

    private ClusterGateway(ToyCluster cluster) => _cluster = cluster;

    public string Address { get; private set; } = "";

    /// <summary>The request ids of the steps this gateway received, in order (a batch's in its order).</summary>
    public IReadOnlyList<string> StepIds
    {
        get { lock (_stepIds) return [.. _stepIds]; }
    }

    /// <summary>The request ids of the starts this gateway received, in order.</summary>
    public IReadOnlyList<string> StartIds
    {
        get { lock (_startIds) return [.. _startIds]; }
    }

    /// <summary>The request ids of the forks this gateway received, in order.</summary>
    public IReadOnlyList<string> ForkIds
    {
        get { lock (_forkIds) return [.. _forkIds]; }
    }

    /// <summary>Set, the next step is applied and its connection then dropped instead of answered.</summary>
    public bool DropAfterNextStep { get; set; }

    /// <summary>Set, the next start is made and its connection then dropped instead of answered.</summary>
    public bool DropAfterNextStart { get; set; }

    /// <summary>Set, the next fork is made and its connection then dropped instead of answered.</summary>
    public bool DropAfterNextFork { get; set; }

    public static async Task<ClusterGateway> StartAsync(ToyCluster cluster)
    {
        var gateway = new ClusterGateway(cluster);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(gateway);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        gateway._app = builder.Build();
        gateway._app.MapGrpcService<ClusterGateway>();
        await gateway._app.StartAsync();
        gateway.Address = gateway._app.Urls.Single();
        return gateway;
    }

    public override Task<GetSpacesReply> GetSpaces(GetSpacesRequest request, ServerCallContext context) =>
        Task.FromResult(new GetSpacesReply { DefaultActionSpace = ToyCluster.ActionSpace.Name, ActionSpaces = { ToyCluster.ActionSpace } });

    public override async Task<StartSessionReply> StartSession(StartSessionRequest request, ServerCallContext context)
    {
        lock (_startIds) _startIds.Add(request.RequestId);
        var reply = new StartSessionReply { SessionId = _cluster.Start(request.RequestId), ActionSpace = ToyCluster.ActionSpace, Benchmark = request.Benchmark };
        if (DropAfterNextStart)
        {
            DropAfterNextStart = false;
            context.GetHttpContext().Features.Get<IConnectionLifetimeFeature>()!.Abort();
            // The call ends with its connection, unanswered.
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
        return reply;
    }

    public override async Task Calls(IAsyncStreamReader<CallRequest> requests, IServerStreamWriter<CallReply> replies, ServerCallContext context)
    {
        while (await requests.MoveNext(context.CancellationToken))
        {
            CallReply reply;
            try
            {
                reply = Answer(requests.Current);
            }
            catch (RpcException e)
            {
                reply = new CallReply { Error = new CallError { Code = (int)e.StatusCode, Message = e.Status.Detail } };
            }
            if (DropsAfter(requests.Current.KindCase))
            {
                context.GetHttpContext().Features.Get<IConnectionLifetimeFeature>()!.Abort();
                return;
            }
            await replies.WriteAsync(reply);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // Whether the call just answered is the one to drop (which it is once).
    private bool DropsAfter(CallRequest.KindOneofCase kind)
    {
        if (kind is CallRequest.KindOneofCase.Step or CallRequest.KindOneofCase.StepBatch && DropAfterNextStep)
        {
            DropAfterNextStep = false;
            return true;
        }
        if (kind is CallRequest.KindOneofCase.Fork && DropAfterNextFork)
        {
            DropAfterNextFork = false;
            return true;
        }
        return false;
    }

    private CallReply Answer(CallRequest request)
    {
        switch (request.KindCase)
        {
            case CallRequest.KindOneofCase.Step:
                return new CallReply { Step = Step(request.Step) };
            case CallRequest.KindOneofCase.StepBatch:
                var batch = new StepBatchReply();
                batch.Outcomes.AddRange(request.StepBatch.Steps.Select(step => new StepOutcome { Step = Step(step) }));
                return new CallReply { StepBatch = batch };
            case CallRequest.KindOneofCase.Fork:
                lock (_forkIds) _forkIds.Add(request.Fork.RequestId);
                return new CallReply { Fork = new ForkReply { SessionId = _cluster.Fork(request.Fork.SessionId, request.Fork.RequestId) } };
            case CallRequest.KindOneofCase.EndSession:
                _cluster.End(request.EndSession.SessionId);
                return new CallReply { EndSession = new EndSessionReply() };
            default:
                throw new RpcException(new Status(StatusCode.Unimplemented, $"the toy cluster has no {request.KindCase}"));
        }
    }

    private StepReply Step(StepRequest request)
    {
        lock (_stepIds) _stepIds.Add(request.RequestId);
        return _cluster.Step(request);
    }
}
