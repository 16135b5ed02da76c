using System.Net.Sockets;
using CompilerGym.Protocol;
using Grpc.Core;
using Grpc.Net.Client;

namespace CompilerGym.Client;

/// <summary>One server address, with its channel and the headers its calls carry.</summary>
internal sealed class Gateway(string address, GrpcChannel channel, Metadata headers)
{
    public string Address { get; } = address;
    public Protocol.V1.CompilerGym.CompilerGymClient Client { get; } = new(channel);
    public Metadata Headers { get; } = headers;
    public GrpcChannel Channel { get; } = channel;
}

/// <summary>
/// Channels to a server's gateways (one address, or several of a cluster, any of which serves
/// every session), shared by an environment and its forks, closed when the last lets go. Calls go
/// through one gateway; when it is gone they move to the next, for the env and its forks alike.
/// </summary>
internal sealed class RemoteConnection
{
    private readonly Gateway[] _gateways;
    private int _current;
    private int _references = 1;

    private RemoteConnection(Gateway[] gateways) => _gateways = gateways;

    /// <summary>Opens a channel per address of a comma-separated list, each with the token as one address would have.</summary>
    public static RemoteConnection Open(string addresses, string? token)
    {
        string[] each = addresses.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (each.Length == 0) throw new ArgumentException($"server address '{addresses}' must be http://HOST:PORT or https://HOST:PORT");
        return new RemoteConnection([.. each.Select(address => OpenGateway(address, token))]);
    }

    private static Gateway OpenGateway(string address, string? token)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"server address '{address}' must be http://HOST:PORT or https://HOST:PORT");
        var headers = new Metadata();
        if ((string.IsNullOrEmpty(token) ? TokenFile.DefaultTokenFor(uri) : token) is { } sent) headers.Add("authorization", $"Bearer {sent}");
        var channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = null, // observations such as the IR of a large program can be big
            // A bearer token over plain HTTP is for loopback and trusted networks; the server decides.
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        return new Gateway(address, channel, headers);
    }

    /// <summary>
    /// Makes a call through the current gateway and, while the gateway is gone, through each next
    /// one in turn (each once); the same request goes each time. With one address, its error is
    /// thrown as it came; with several, an Unavailable one names them all.
    /// </summary>
    public async Task<T> CallAsync<T>(Func<Gateway, Task<T>> call)
    {
        int index = Volatile.Read(ref _current);
        List<string>? tried = null; // made only when a gateway is gone: calls go through here at every step
        while (true)
        {
            try
            {
                return await call(_gateways[index]);
            }
            catch (Exception e) when (IsGone(e))
            {
                if (_gateways.Length == 1) throw;
                (tried ??= []).Add(_gateways[index].Address);
                if (tried.Count == _gateways.Length)
                    throw new RpcException(new Status(StatusCode.Unavailable, $"no server answered at {string.Join(", ", tried)}: {Detail(e)}", e));
                int next = (index + 1) % _gateways.Length;
                // The env and its forks move on together, unless one of them has moved already.
                Interlocked.CompareExchange(ref _current, next, index);
                index = next;
            }
        }
    }

    /// <summary>The address of the gateway calls go through now.</summary>
    public string Address => _gateways[Volatile.Read(ref _current)].Address;

    /// <summary>
    /// Sends the calls through <paramref name="sessionGateway"/> (where a cluster says a new session
    /// lives, its silo's own gateway: there the silo serves them with no hop from another) when
    /// that is one of these addresses and the connection serves no other session. An address the
    /// server names that the client was not given is never dialled.
    /// </summary>
    public void Follow(string sessionGateway)
    {
        if (_gateways.Length == 1 || Volatile.Read(ref _references) != 1) return;
        var named = sessionGateway.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) ? uri.Authority : null).ToHashSet(StringComparer.OrdinalIgnoreCase);
        int index = Array.FindIndex(_gateways, g => named.Contains(new Uri(g.Address).Authority));
        if (index >= 0) Volatile.Write(ref _current, index);
    }

    public T Call<T>(Func<Gateway, T> call) => CallAsync(gateway => Task.FromResult(call(gateway))).GetAwaiter().GetResult();

    public void AddRef() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0) return;
        foreach (var gateway in _gateways) gateway.Channel.Dispose();
    }

    // Whether a call failed because its gateway is gone (stopped, unreachable, or its stream broke), not because the server refused it.
    // A stopping server may close its connection before a stream's trailers are read: the client
    // then reports Internal, with the transport's exception, not a status the server sent.
    public static bool IsGone(Exception e) =>
        e is RpcException { StatusCode: StatusCode.Unavailable } or IOException or HttpRequestException or SocketException
        || e is RpcException { StatusCode: StatusCode.Internal, Status.DebugException: HttpProtocolException or IOException };

    private static string Detail(Exception e) => e is RpcException rpc ? rpc.Status.Detail : e.Message;
}
