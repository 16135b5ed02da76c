using System.Reflection;
using CompilerGym.Core.Environments;
using CompilerGym.Protocol;
using CompilerGym.Protocol.V1;
using CompilerGym.Protocol.Worker;
using CompilerGym.Service.Benchmarks;
using CompilerGym.Service.Hosting;
using CompilerGym.Service.Sessions;
using CompilerGym.Service.Workers;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CompilerGym.Service.Api;

/// <summary>
/// The gRPC face of the service: each call is handed to the sessions, a one-off job or the uploads,
/// or answered from the catalogues. <see cref="ServiceBinding"/> binds each method of the contract
/// to the method of the same name here.
/// </summary>
public sealed class CompilerGymService(ISessions sessions, FileAccessPolicy files, OneOffJobs jobs, TrustedBuilds builds,
    BenchmarkUploads uploads, UserBenchmarks user, WorkerPool workers, EnvRegistry registry, ErrorStatuses statuses,
    IOptions<ServiceOptions> options, IHostApplicationLifetime lifetime)
{
    public const string ProtocolName = "compiler_gym.v1";

    public async Task<GetVersionReply> GetVersion(GetVersionRequest request, ServerCallContext context) => new()
    {
        ServiceVersion = typeof(CompilerGymService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
        LlvmVersion = await workers.LlvmVersionAsync(),
        Protocol = ProtocolName,
    };

    public Task<GetSpacesReply> GetSpaces(GetSpacesRequest request, ServerCallContext context)
    {
        string id = request.Environment.OrNull() ?? registry.Default.Id;
        if (!registry.Contains(id))
            throw ErrorReason.Exception(StatusCode.InvalidArgument, $"unknown environment '{id}' (known: {string.Join(", ", registry.Ids)})",
                Core.Spaces.UnknownNameException.Reason);
        var spec = registry.Spec(id);
        var reply = new GetSpacesReply { Environment = spec.Id, DefaultActionSpace = spec.DefaultActionSpace, Environments = { registry.Ids } };
        reply.ActionSpaces.AddRange(spec.ActionSpaces.Select(s => s.ToProto()));
        reply.ObservationSpaces.AddRange(spec.ObservationSpaces.Select(s => s.ToProto()));
        reply.RewardSpaces.AddRange(spec.RewardSpaces.Select(s => s.ToProto()));
        return Task.FromResult(reply);
    }

    /// <summary>Every environment's datasets, with this server's uploads after the default environment's own.</summary>
    public async Task<ListBenchmarksReply> ListBenchmarks(ListBenchmarksRequest request, ServerCallContext context)
    {
        var uploads = await UploadsAsync();
        var datasets = registry.All.SelectMany(spec => spec == registry.Default ? [.. spec.Datasets, uploads] : spec.Datasets).ToList();
        if (request.Dataset.Length > 0 && datasets.All(d => d.Name != request.Dataset))
            throw ErrorReason.Exception(StatusCode.InvalidArgument,
                $"unknown dataset '{request.Dataset}' (known: {string.Join(", ", datasets.Select(d => d.Name))})", Core.Spaces.UnknownNameException.Reason);
        var reply = new ListBenchmarksReply();
        foreach (var dataset in datasets.Where(d => request.Dataset.Length == 0 || d.Name == request.Dataset))
        {
            var entry = new Dataset { Name = dataset.Name, Description = dataset.Description };
            entry.Benchmarks.AddRange(dataset.Benchmarks.Select(b => b.Uri));
            reply.Datasets.Add(entry);
        }
        reply.Generators.AddRange(registry.All.SelectMany(spec => spec.Generators).Select(g => new Dataset { Name = g.Name, Description = g.Description }));
        return reply;
    }

    public Task<AddBenchmarkReply> AddBenchmark(AddBenchmarkRequest request, ServerCallContext context) =>
        uploads.AddAsync(request, context.CancellationToken);

    // The call's token fires when its client cancels or its deadline passes: the work stops there.
    public Task<StartSessionReply> StartSession(StartSessionRequest request, ServerCallContext context) =>
        sessions.StartAsync(request, Connection(context), context.CancellationToken);

    public Task<StepReply> Step(StepRequest request, ServerCallContext context) =>
        sessions.StepAsync(request, Connection(context), context.CancellationToken);

    public Task<StepBatchReply> StepBatch(StepBatchRequest request, ServerCallContext context) =>
        StepBatchAsync(request, Connection(context), context);

    private async Task<StepBatchReply> StepBatchAsync(StepBatchRequest request, string connection, ServerCallContext context) => new()
    {
        Outcomes =
        {
            await FanOutAsync(request.Steps, async step => new StepOutcome { Step = await sessions.StepAsync(step, connection, context.CancellationToken) },
                error => new StepOutcome { Error = error }, "step", context),
        },
    };

    public Task<ResetReply> Reset(ResetRequest request, ServerCallContext context) =>
        sessions.ResetAsync(request, Connection(context), context.CancellationToken);

    public Task<ResetBatchReply> ResetBatch(ResetBatchRequest request, ServerCallContext context) =>
        ResetBatchAsync(request, Connection(context), context);

    private async Task<ResetBatchReply> ResetBatchAsync(ResetBatchRequest request, string connection, ServerCallContext context) => new()
    {
        Outcomes =
        {
            await FanOutAsync(request.Resets, async reset => new ResetOutcome { Reset = await sessions.ResetAsync(reset, connection, context.CancellationToken) },
                error => new ResetOutcome { Error = error }, "reset", context),
        },
    };

    // Each call of a batch in its own session's worker, side by side; a failed one answers in its place.
    private Task<TOutcome[]> FanOutAsync<TRequest, TOutcome>(IEnumerable<TRequest> requests, Func<TRequest, Task<TOutcome>> call,
        Func<CallError, TOutcome> failed, string what, ServerCallContext context) =>
        Task.WhenAll(requests.Select(async request =>
        {
            try { return await call(request); }
            catch (RpcException e) { return failed(Failed(statuses.Answer(e, $"{context.Method} {what}")).Error); }
        }));

    public Task<ForkReply> Fork(ForkRequest request, ServerCallContext context) =>
        sessions.ForkAsync(request, Connection(context), context.CancellationToken);

    public Task<GetStateReply> GetState(GetStateRequest request, ServerCallContext context) =>
        sessions.GetStateAsync(request, Connection(context));

    public async Task<EndSessionReply> EndSession(EndSessionRequest request, ServerCallContext context)
    {
        await sessions.EndAsync(request.SessionId, "ended by its client");
        return new EndSessionReply();
    }

    public async Task<ValidateReply> Validate(ValidateRequest request, ServerCallContext context)
    {
        if (request.State is null || request.State.Benchmark.Length == 0)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Validate needs a state with a benchmark"));
        files.CheckBenchmarkAllowed(request.State.Benchmark);
        files.CheckCustomActionsAllowed(request.State.CustomActions);
        var state = request.State;
        await builds.EnsureAsync(state.Benchmark);
        // On a cluster, the program may have been uploaded through another silo.
        await user.EnsureLocalAsync(state.Benchmark);
        // Building the program (and its baselines, kept by the worker) is set-up; replaying the
        // client's actions and checking the result is a step of the client's choosing, under the step limit.
        var build = new WorkerRequest
        {
            Session = "validated",
            Start = new StartSessionRequest { Benchmark = state.Benchmark, ActionSpace = state.ActionSpace, CustomActions = { state.CustomActions }, RewardSpace = state.RewardSpace },
        };
        var reply = await jobs.RunAsync(new WorkerRequest { Validate = request }, options.Value.StepTimeLimit, $"replaying the state on {state.Benchmark}",
            files.ReadablePaths(state.Benchmark, state.CustomActions), context.CancellationToken, build);
        return reply.Validate;
    }

    public async Task Calls(IAsyncStreamReader<CallRequest> requests, IServerStreamWriter<CallReply> replies, ServerCallContext context)
    {
        string connection = Connection(context);
        try
        {
            await ServeCallsAsync(requests, replies, connection, context);
        }
        catch (IOException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away mid-stream: an ordinary end for a stream of calls.
        }
    }

    private async Task ServeCallsAsync(IAsyncStreamReader<CallRequest> requests, IServerStreamWriter<CallReply> replies, string connection, ServerCallContext context)
    {
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        while (true)
        {
            CallRequest? request = null;
            CallReply reply;
            try
            {
                if (!await NextAsync(requests, ending.Token)) return;
                request = requests.Current;
                reply = await CallAsync(request, connection, context);
            }
            catch (MalformedMessageException e)
            {
                // Read whole, so the stream goes on past it; logged where it was parsed.
                reply = Failed(e);
            }
            catch (RpcException e) when (request is not null)
            {
                reply = Failed(statuses.Answer(e, $"{context.Method} {request.KindCase}"));
            }
            await replies.WriteAsync(reply);
        }
    }

    // A stopping server ends its streams between calls rather than wait out its shutdown time-out
    // for them; a call being served finishes first. The client sends its next call elsewhere.
    private async Task<bool> NextAsync(IAsyncStreamReader<CallRequest> requests, CancellationToken ending)
    {
        try { return await requests.MoveNext(ending); }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the server is stopping; send the call to another"));
        }
    }

    private async Task<CallReply> CallAsync(CallRequest request, string connection, ServerCallContext context) => request.KindCase switch
    {
        CallRequest.KindOneofCase.Step => new CallReply { Step = await sessions.StepAsync(request.Step, connection, context.CancellationToken) },
        CallRequest.KindOneofCase.Reset => new CallReply { Reset = await sessions.ResetAsync(request.Reset, connection, context.CancellationToken) },
        CallRequest.KindOneofCase.GetState => new CallReply { GetState = await sessions.GetStateAsync(request.GetState, connection) },
        CallRequest.KindOneofCase.Fork => new CallReply { Fork = await sessions.ForkAsync(request.Fork, connection, context.CancellationToken) },
        CallRequest.KindOneofCase.EndSession => new CallReply { EndSession = await EndSession(request.EndSession, context) },
        CallRequest.KindOneofCase.StepBatch => new CallReply { StepBatch = await StepBatchAsync(request.StepBatch, connection, context) },
        CallRequest.KindOneofCase.ResetBatch => new CallReply { ResetBatch = await ResetBatchAsync(request.ResetBatch, connection, context) },
        _ => throw new RpcException(new Status(StatusCode.InvalidArgument, "empty call")),
    };

    private static CallReply Failed(RpcException e) =>
        new() { Error = new CallError { Code = (int)e.StatusCode, Message = e.Status.Detail, Reason = ErrorReason.Of(e) ?? "" } };

    private async Task<DatasetInfo> UploadsAsync()
    {
        var dataset = user.Dataset;
        return new DatasetInfo(dataset.Name, dataset.Description, await user.ListAsync());
    }

    private static string Connection(ServerCallContext context) => context.GetHttpContext().Connection.Id;
}
