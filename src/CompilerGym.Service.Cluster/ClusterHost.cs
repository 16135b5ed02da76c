using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using CompilerGym.Service.Benchmarks;
using CompilerGym.Service.Cluster.Sessions;
using CompilerGym.Service.Hosting;
using CompilerGym.Service.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using StackExchange.Redis;

namespace CompilerGym.Service.Cluster;

/// <summary>
/// Makes a server a silo of an Orleans cluster whose membership, session records and uploads live
/// in Redis: the same gRPC front end then serves every session of the cluster (see
/// <see cref="ClusterSessions"/>). Without <see cref="ClusterSettings.Redis"/>, it changes nothing.
/// </summary>
public static class ClusterHost
{
    /// <summary>The Orleans service id of every cluster (a Kubernetes deployment labels its pods with it: orleans/serviceId).</summary>
    public const string ServiceId = "compiler-gym";

    /// <summary>For <see cref="ServiceHost.Build"/>: adds the silo when the configuration names a cluster.</summary>
    public static void Extend(WebApplicationBuilder builder, ServiceOptions service)
    {
        var settings = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        if (!settings.Enabled) return;
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(settings, new ValidationContext(settings), errors, validateAllProperties: true))
            throw new InvalidOperationException(string.Join("; ", errors.Select(e => e.ErrorMessage)));
        ConfigurationOptions redis;
        try { redis = ConfigurationOptions.Parse(settings.Redis!); }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"{ClusterSettings.Section}:{nameof(ClusterSettings.Redis)} '{settings.Redis}' is not a Redis configuration (HOST:PORT[,option=value...]): {e.Message}");
        }
        var advertised = AdvertisedAddress(settings, service);
        // Replies read on the runtime's thread pool, whose threads this server keeps awake (see
        // ServiceHost.TuneThreadPool), answer a step's record sooner than the client's own reader
        // threads, which sleep between replies: the record is waited for before a step is answered.
        redis.SocketManager = SocketManager.ThreadPool;

        // Orleans tells of every membership change at Information; its warnings are what an operator needs.
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(new ClusterKeys(settings.ClusterId));
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redis));
        builder.Services.AddSingleton<IUploadReplica, RedisUploads>();
        var idle = TimeSpan.FromSeconds(service.IdleTimeoutSeconds);
        // A start's or a fork's request id is kept for as long as a start may take, and a minute or
        // two for its client to send it again when the reply was lost.
        var requestsKept = service.SetupTimeLimit + service.StepTimeLimit + TimeSpan.FromMinutes(2);
        builder.Services.AddSingleton(services => new SessionRecords(services.GetRequiredService<IConnectionMultiplexer>(),
            services.GetRequiredService<ClusterKeys>(), idle, requestsKept));
        builder.Services.AddSingleton<KeptReplies>();
        builder.Services.AddHostedService(services => services.GetRequiredService<KeptReplies>());
        builder.Services.AddSingleton<SiloActivity>();
        builder.Services.AddSingleton(new LocalSessionGrains(idle));
        builder.Services.AddSingleton<ISessions, ClusterSessions>();
        builder.Services.AddHostedService<SiloStatusPublisher>();
        builder.Host.UseOrleans(silo =>
        {
            silo.UseRedisClustering(o => o.ConfigurationOptions = redis.Clone());
            silo.AddPlacementDirector<InTurnPlacement, InTurnPlacementDirector>();
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, ServiceId));
            // Clients reach the cluster through the gRPC front ends, not Orleans' own gateways.
            silo.ConfigureEndpoints(advertised, settings.SiloPort, gatewayPort: 0, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(settings.ProbeTimeoutSeconds);
                o.NumMissedProbesLimit = settings.MissedProbesLimit;
                o.NumVotesForDeathDeclaration = settings.DeathVotes;
            });
            // A request's own limits (steps, set-up) are kept by the silo that serves it; Orleans'
            // time-out only catches a silo that stopped answering.
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = service.SetupTimeLimit + service.StepTimeLimit + TimeSpan.FromMinutes(1));
            // A session's grain unused for the idle time-out ends it, as on a single server.
            silo.Configure<GrainCollectionOptions>(o =>
            {
                o.CollectionAge = idle;
                o.CollectionQuantum = TimeSpan.FromTicks(Math.Min(o.CollectionQuantum.Ticks, idle.Ticks / 2));
            });
            if (settings.Kubernetes) silo.UseKubernetesHosting();
        });
        PromptSiloStop.Replace(builder.Services);
    }

    private static IPAddress AdvertisedAddress(ClusterSettings settings, ServiceOptions service)
    {
        if (settings.AdvertisedAddress is { Length: > 0 } text)
            return IPAddress.TryParse(text, out var parsed) ? parsed
                : throw new InvalidOperationException($"{ClusterSettings.Section}:{nameof(ClusterSettings.AdvertisedAddress)} '{text}' must be an IP address");
        if (service.Host is "127.0.0.1" or "localhost" or "::1") return IPAddress.Loopback;
        return Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? throw new InvalidOperationException($"no IPv4 address to advertise to other silos: set {ClusterSettings.Section}:{nameof(ClusterSettings.AdvertisedAddress)}");
    }
}
