using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Orleans.Runtime;

namespace CompilerGym.Service.Cluster;

/// <summary>
/// This silo's name in the cluster (its address), its gateway and the steps it has served, for
/// status, progress, and clients choosing the gateway of their session's silo.
/// </summary>
public sealed class SiloActivity(ILocalSiloDetails silo, IServer server)
{
    private long _steps;
    private string? _gateway;

    /// <summary>The silo's address, as sessions report where they run.</summary>
    public string Host { get; } = silo.SiloAddress.Endpoint.ToString();

    /// <summary>
    /// The addresses of this silo's gRPC front end (comma-separated, as clients dial them: a front
    /// end listening on every interface is named by the silo's own address); empty until it listens.
    /// </summary>
    public string Gateway
    {
        get
        {
            // Kept once known: the front end starts listening after the silo has started.
            if (_gateway is null && Listening() is { Length: > 0 } listening) _gateway = listening;
            return _gateway ?? "";
        }
    }

    public long Steps => Interlocked.Read(ref _steps);

    public void Stepped() => Interlocked.Increment(ref _steps);

    private string Listening() => string.Join(",", (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []).Select(address =>
    {
        var uri = new UriBuilder(address);
        if (IPAddress.TryParse(uri.Host, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)))
            uri.Host = silo.SiloAddress.Endpoint.Address.ToString();
        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }));
}
