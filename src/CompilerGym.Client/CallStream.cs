using CompilerGym.Protocol;
using CompilerGym.Protocol.V1;
using Grpc.Core;

namespace CompilerGym.Client;

/// <summary>
/// One stream of session calls (the contract's <c>Calls</c>), for one environment: a step this way
/// costs about half the transport overhead of a unary call. Calls on it run one at a time. It goes
/// through the connection's current gateway, and is opened again there after a failover or a break.
/// </summary>
internal sealed class CallStream(RemoteConnection connection) : IDisposable
{
    private AsyncDuplexStreamingCall<CallRequest, CallReply>? _call;
    private Gateway? _gateway;
    private bool _broken;
    // The read of the next reply, started as soon as the last one came: a server that ends the
    // stream between calls (it is stopping) is answered at once by closing this side too, so its
    // connection does not wait out its shutdown time-out for a client that has nothing to send.
    private Task<bool>? _next;

    /// <summary>Sends a call and waits for its reply; a failed call throws its status as an RpcException.</summary>
    public CallReply Call(CallRequest request) => CallAsync(request).GetAwaiter().GetResult();

    public async Task<CallReply> CallAsync(CallRequest request)
    {
        // An error the server answers is not retried elsewhere: only a gateway that is gone is.
        var reply = await connection.CallAsync(gateway => SendAsync(gateway, request));
        return reply.KindCase == CallReply.KindOneofCase.Error
            ? throw ErrorReason.Exception((StatusCode)reply.Error.Code, reply.Error.Message, reply.Error.Reason)
            : reply;
    }

    private async Task<CallReply> SendAsync(Gateway gateway, CallRequest request)
    {
        var call = Open(gateway);
        try
        {
            var next = _next ?? call.ResponseStream.MoveNext(CancellationToken.None);
            _next = null;
            try { await call.RequestStream.WriteAsync(request); }
            catch (Exception) when (next.IsCompleted)
            {
                // The server ended the stream meanwhile: its status is the read's.
            }
            if (!await next) throw new RpcException(new Status(StatusCode.Unavailable, "the server closed the call stream"));
            var reply = call.ResponseStream.Current;
            _next = ReadAhead(call);
            return reply;
        }
        catch
        {
            _broken = true; // a gRPC stream that failed is done with: the next call opens another
            throw;
        }
    }

    private static Task<bool> ReadAhead(AsyncDuplexStreamingCall<CallRequest, CallReply> call)
    {
        var next = call.ResponseStream.MoveNext(CancellationToken.None);
        _ = CloseWhenEndedAsync(call, next);
        return next;
    }

    // Ended by the server (or failed), the stream carries nothing more: this side is closed too.
    private static async Task CloseWhenEndedAsync(AsyncDuplexStreamingCall<CallRequest, CallReply> call, Task<bool> next)
    {
        try
        {
            if (await next) return;
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException) { }
        try { await call.RequestStream.CompleteAsync(); }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException or RpcException or OperationCanceledException)
        {
            // A call is being written (it will find the stream ended), or this side is closed already.
        }
    }

    private AsyncDuplexStreamingCall<CallRequest, CallReply> Open(Gateway gateway)
    {
        if (_call is not null && gateway == _gateway && !_broken) return _call;
        Close();
        _broken = false;
        _gateway = gateway;
        return _call = gateway.Client.Calls(gateway.Headers);
    }

    public void Dispose() => Close();

    private void Close()
    {
        if (_call is null) return;
        // Close our side and let the server end the call, rather than resetting it under the server;
        // a broken stream has no server left to wait for.
        if (!_broken)
        {
            try
            {
                if (_call.RequestStream.CompleteAsync().Wait(TimeSpan.FromSeconds(5)))
                    (_next ?? _call.ResponseStream.MoveNext(CancellationToken.None)).Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException) { } // the stream had already failed
            catch (InvalidOperationException) { }
        }
        _call.Dispose();
        _call = null;
        _next = null;
    }
}
