using CompilerGym.Protocol;
using Grpc.Core;
using Grpc.Net.Client;
using CompilerGym.Protocol.V1;

namespace CompilerGym.Client;

/// <summary>A channel to a server, shared by an environment and its forks, closed when the last lets go.</summary>
internal sealed class RemoteConnection
{
    private readonly GrpcChannel _channel;
    private int _references = 1;

    private RemoteConnection(GrpcChannel channel, Metadata headers)
    {
        _channel = channel;
        Headers = headers;
        Client = new Protocol.V1.CompilerGym.CompilerGymClient(channel);
    }

    public Protocol.V1.CompilerGym.CompilerGymClient Client { get; }
    public Metadata Headers { get; }

    public static RemoteConnection Open(string address, string? token)
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
        return new RemoteConnection(channel, headers);
    }

    public void AddRef() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0) _channel.Dispose();
    }
}
