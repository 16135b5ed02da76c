using CompilerGym.Protocol;
using CompilerGym.Protocol.V1;
using Grpc.Core;

namespace CompilerGym.Client;

/// <summary>
/// One stream of session calls (the contract's <c>Calls</c>), for one environment: a step this way
/// costs about half the transport overhead of a unary call. Calls on it run one at a time.
/// </summary>
internal sealed class CallStream(Protocol.V1.CompilerGym.CompilerGymClient client, Metadata headers) : IDisposable
{
    private readonly AsyncDuplexStreamingCall<CallRequest, CallReply> _call = client.Calls(headers);

    /// <summary>Sends a call and waits for its reply; a failed call throws its status as an RpcException.</summary>
    public CallReply Call(CallRequest request) => CallAsync(request).GetAwaiter().GetResult();

    public async Task<CallReply> CallAsync(CallRequest request)
    {
        await _call.RequestStream.WriteAsync(request);
        if (!await _call.ResponseStream.MoveNext(CancellationToken.None))
            throw new RpcException(new Status(StatusCode.Unavailable, "the server closed the call stream"));
        var reply = _call.ResponseStream.Current;
        return reply.KindCase == CallReply.KindOneofCase.Error
            ? throw ErrorReason.Exception((StatusCode)reply.Error.Code, reply.Error.Message, reply.Error.Reason)
            : reply;
    }

    public void Dispose()
    {
        // Close our side and let the server end the call, rather than resetting it under the server.
        try
        {
            if (_call.RequestStream.CompleteAsync().Wait(TimeSpan.FromSeconds(5)))
                _call.ResponseStream.MoveNext(CancellationToken.None).Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException) { } // the stream had already failed
        catch (InvalidOperationException) { }
        _call.Dispose();
    }
}
