using CompilerGym.Protocol;
using CompilerGym.Protocol.Worker;
using CompilerGym.Service.Hosting;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace CompilerGym.Service.Workers;

/// <summary>
/// The gRPC errors clients get for what went wrong in a worker: an error it answered, or its
/// failure (a crash, a time-out, the memory limit), with a status code per kind of failure.
/// </summary>
public sealed class WorkerErrors(IOptions<ServiceOptions> options)
{
    private readonly int _memoryLimitMiB = options.Value.WorkerMemoryLimitMiB;

    /// <summary><paramref name="what"/> (the request, as a client would name it) followed by what happened to the worker.</summary>
    public string Describe(WorkerFailedException failure, string what) => $"{what} {Cause(failure)}";

    public RpcException ToRpc(WorkerFailedException failure, string what) => new(new Status(CodeOf(failure.Failure), Describe(failure, what)));

    public static StatusCode CodeOf(WorkerFailure failure) => failure switch
    {
        WorkerFailure.Crashed => StatusCode.Internal,
        WorkerFailure.TimedOut => StatusCode.DeadlineExceeded,
        WorkerFailure.OutOfMemory => StatusCode.ResourceExhausted,
        WorkerFailure.Cancelled => StatusCode.Cancelled,
        _ => StatusCode.Unavailable,
    };

    /// <summary>The reply, unless the worker answered with an error: that is thrown, as the worker gave it.</summary>
    public static WorkerReply Checked(WorkerReply reply) =>
        reply.KindCase == WorkerReply.KindOneofCase.Error
            ? throw ErrorReason.Exception((StatusCode)reply.Error.StatusCode, reply.Error.Message, reply.Error.Reason)
            : reply;

    private string Cause(WorkerFailedException failure) => failure.Failure switch
    {
        WorkerFailure.Crashed => $"crashed LLVM: {failure.Detail}",
        WorkerFailure.TimedOut => "ran past the time limit and was stopped",
        WorkerFailure.OutOfMemory => $"passed the worker memory limit of {_memoryLimitMiB} MiB and was stopped",
        WorkerFailure.Cancelled => "was stopped: its client cancelled the call or the call's deadline passed",
        _ => "could not run: its worker had stopped",
    };
}
