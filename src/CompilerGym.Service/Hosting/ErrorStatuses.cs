using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace CompilerGym.Service.Hosting;

/// <summary>
/// The one place the service's error statuses pass on their way to a client (gRPC's own, such as
/// a message over the size limit, have short fixed messages): those of unary calls (as an
/// interceptor), those of calls on the <c>Calls</c> stream, and those of malformed messages. Each
/// detail is bounded, because a detail quoting a client's input at any length can pass a client's
/// limit on metadata and break its connection; each error is logged once, on one line without a
/// stack trace, since it is an answer to a request and no fault of the server. A call its client
/// abandoned (cancelled, or past its deadline) before it was served ends as CANCELLED.
/// </summary>
public sealed partial class ErrorStatuses(ILogger<ErrorStatuses> logger) : Interceptor
{
    /// <summary>Longest run of characters without a blank or a quote kept whole: longer ones are a client's id, name or bytes.</summary>
    public const int MaxRun = 100;

    /// <summary>Longest detail sent: even percent-encoded it stays under the 8 KiB of metadata gRPC clients accept by default.</summary>
    public const int MaxDetail = 1000;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try { return await continuation(request, context); }
        catch (RpcException e) { throw Answer(e, context.Method); }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested) { throw Answer(Abandoned(), context.Method); }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { await continuation(request, responseStream, context); }
        catch (RpcException e) { throw Answer(e, context.Method); }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested) { throw Answer(Abandoned(), context.Method); }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { await continuation(requestStream, responseStream, context); }
        catch (RpcException e) { throw Answer(e, context.Method); }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested) { throw Answer(Abandoned(), context.Method); }
    }

    /// <summary>Logs an error answered to <paramref name="method"/> and returns it with its detail bounded (its trailers kept).</summary>
    public RpcException Answer(RpcException error, string method)
    {
        string detail = Bounded(error.Status.Detail);
        Log(IsClientFault(error.StatusCode) ? LogLevel.Information : LogLevel.Warning, method, error.StatusCode, detail);
        return detail == error.Status.Detail ? error : new RpcException(new Status(error.StatusCode, detail), error.Trailers);
    }

    /// <summary>Logs a request that could not be parsed and returns its INVALID_ARGUMENT error.</summary>
    public MalformedMessageException Malformed(string method, Type messageType, Exception parseError)
    {
        var error = new MalformedMessageException(Bounded($"malformed {messageType.Name}: {parseError.Message}"));
        Log(LogLevel.Information, method, error.StatusCode, error.Status.Detail);
        return error;
    }

    /// <summary>
    /// <paramref name="detail"/> with every run of more than <see cref="MaxRun"/> characters without a
    /// blank or a quote cut to its start, its length given, and the whole cut to <see cref="MaxDetail"/>
    /// characters by leaving out its middle.
    /// </summary>
    public static string Bounded(string detail)
    {
        string cut = LongRun().Replace(detail, run => $"{run.Value[..MaxRun]}... ({run.Length} characters)");
        if (cut.Length <= MaxDetail) return cut;
        // The start names the request and the end what became of it: the middle goes.
        string middle = $" ... ({detail.Length} characters in all) ... ";
        int kept = (MaxDetail - middle.Length) / 2;
        return cut[..kept] + middle + cut[^kept..];
    }

    private static RpcException Abandoned() =>
        new(new Status(StatusCode.Cancelled, "the client cancelled the call or its deadline passed before it was served"));

    // One line per error, whatever lines a compiler's message had.
    private void Log(LogLevel level, string method, StatusCode code, string detail) =>
        logger.Log(level, "{Method}: {Code} {Detail}", method, code, detail.ReplaceLineEndings(" "));

    private static bool IsClientFault(StatusCode code) => code is StatusCode.InvalidArgument or StatusCode.NotFound
        or StatusCode.AlreadyExists or StatusCode.FailedPrecondition or StatusCode.OutOfRange or StatusCode.PermissionDenied
        or StatusCode.Unauthenticated or StatusCode.Cancelled;

    // More than MaxRun characters, none blank nor a quote (messages quote a client's input in quotes).
    [GeneratedRegex(@"[^\s'""]{101,}")]
    private static partial Regex LongRun();
}

/// <summary>
/// A request that could not be parsed: INVALID_ARGUMENT. It was read whole, so a stream of
/// requests can go on past it.
/// </summary>
public sealed class MalformedMessageException(string detail) : RpcException(new Status(StatusCode.InvalidArgument, detail));
