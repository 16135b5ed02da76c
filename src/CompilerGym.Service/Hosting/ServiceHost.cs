using System.ComponentModel.DataAnnotations;
using System.Net;
using CompilerGym.Core.Environments;
using CompilerGym.Environments;
using CompilerGym.Service.Benchmarks;
using CompilerGym.Service.Api;
using CompilerGym.Service.Sessions;
using CompilerGym.Service.Workers;
using Grpc.AspNetCore.Server.Model;
using Grpc.Health.V1;
using Grpc.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CompilerGym.Service.Hosting;

/// <summary>
/// Builds the server: Kestrel speaking gRPC over HTTP/2, options from configuration (section
/// <c>Service</c>: appsettings.json, <c>CGYM_Service__Port</c>-style environment variables, the
/// command line), the services in DI, health checking and reflection.
/// </summary>
public static class ServiceHost
{
    // Each gRPC message is framed by a compression flag and a 4-byte length.
    private const int GrpcMessageHeaderBytes = 5;

    // Thread-pool threads spin this many times for more work before they sleep (the runtime's default is 70).
    private const int ThreadPoolSpinLimit = 30_000;

    /// <summary>
    /// Keeps a server's idle thread-pool threads awake longer, for the next message of a session. A
    /// remote step passes through several of them while its worker computes; once asleep, each wakes
    /// only on a core that may itself be halted, which on small VMs cost about 60 µs a hop (see the
    /// README's performance figures). Call it first thing in a process that serves, before the pool
    /// starts; DOTNET_ThreadPool_UnfairSemaphoreSpinLimit, when set, overrides it.
    /// </summary>
    public static void TuneThreadPool()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit") is null)
            AppContext.SetData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", ThreadPoolSpinLimit);
    }

    /// <summary>
    /// The server; <paramref name="extend"/> adds to it before it is built (a cluster's silo, whose
    /// services replace the single process's <see cref="ISessions"/>).
    /// </summary>
    public static WebApplication Build(string[] args, IEnumerable<KeyValuePair<string, string?>>? settings = null,
        Action<WebApplicationBuilder, ServiceOptions>? extend = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.AddEnvironmentVariables("CGYM_");
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        var section = builder.Configuration.GetSection(ServiceOptions.Section);
        // Kestrel's address and gRPC's message limit are read before the services exist, so the
        // settings are checked here too, by the annotations the options framework checks at start.
        var options = section.Get<ServiceOptions>() ?? new ServiceOptions();
        CheckRanges(options);
        var address = ListenAddress(options);
        builder.Services.AddSingleton(ServiceToken.For(options, IPAddress.IsLoopback(address)));

        builder.Services.AddOptions<ServiceOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.PostConfigure<ServiceOptions>(o => o.AllowFileBenchmarks ??= IPAddress.IsLoopback(address));
        // Standard output carries the "listening on" line for scripts; the log goes to standard error.
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // ErrorStatuses logs each error status once; gRPC's own lines for them add a stack trace.
        builder.Logging.AddFilter("Grpc.AspNetCore.Server.ServerCallHandler", LogLevel.Warning);
        builder.Services.AddSingleton<ErrorStatuses>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxMessageMiB << 20;
            // First, so that it sees every status, the token's refusals too.
            grpc.Interceptors.Add<ErrorStatuses>();
            grpc.Interceptors.Add<TokenInterceptor>();
        });
        builder.Services.AddSingleton<IServiceMethodProvider<CompilerGymService>, ServiceBinding>();
        builder.Services.AddGrpcHealthChecks().AddCheck<WorkerHealthCheck>("workers");
        // Reflection finds a service's descriptor through the generated base class, which
        // CompilerGymService does not derive from (see ServiceBinding): the served ones are named here.
        builder.Services.AddSingleton(new ReflectionServiceImpl(
            Protocol.V1.CompilerGym.Descriptor, Health.Descriptor, Grpc.Reflection.V1Alpha.ServerReflection.Descriptor));
        builder.Services.AddGrpcReflection();
        builder.Services.AddSingleton(Registry(options));
        builder.Services.AddSingleton<ConnectionTracker>();
        builder.Services.AddSingleton<UserBenchmarks>();
        builder.Services.AddSingleton<WorkerPool>();
        builder.Services.AddSingleton<WorkerErrors>();
        builder.Services.AddSingleton<FileAccessPolicy>();
        builder.Services.AddSingleton<SessionManager>();
        builder.Services.AddSingleton<ISessions>(services => services.GetRequiredService<SessionManager>());
        builder.Services.AddSingleton<OneOffJobs>();
        builder.Services.AddSingleton<TrustedBuilds>();
        builder.Services.AddSingleton<BenchmarkUploads>();
        builder.Services.AddHostedService<SessionReaper>();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Pings find clients that vanished without closing, so their sessions are reclaimed.
            kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(30);
            kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
            // Kestrel's own limit (30,000,000 bytes) would fail larger messages that gRPC accepts with
            // UNKNOWN; at this one, gRPC refuses a larger message with RESOURCE_EXHAUSTED first.
            kestrel.Limits.MaxRequestBodySize = ((long)options.MaxMessageMiB << 20) + GrpcMessageHeaderBytes;
            kestrel.Listen(address, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (options.CertificatePath is { Length: > 0 } certificate)
                    listen.UseHttps(LoadCertificate(certificate, options));
                var connections = kestrel.ApplicationServices.GetRequiredService<ConnectionTracker>();
                listen.Use(next => async connection =>
                {
                    try { await next(connection); }
                    finally { connections.Closed(connection.ConnectionId); }
                });
            });
        });

        extend?.Invoke(builder, options);
        var app = builder.Build();
        app.MapGrpcService<CompilerGymService>();
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        var pool = app.Services.GetRequiredService<WorkerPool>();
        app.Lifetime.ApplicationStarted.Register(pool.Refill);
        return app;
    }

    /// <summary>The environments served: the built-in ones and those of the configured assemblies (a bad one stops the start with its reason).</summary>
    private static EnvRegistry Registry(ServiceOptions options)
    {
        var registry = Registrations.Default;
        foreach (string assembly in options.EnvironmentAssemblies)
        {
            try { registry.RegisterFrom(assembly); }
            catch (Exception e) when (e is IOException or BadImageFormatException or ArgumentException or TypeLoadException
                or MissingMethodException or System.Reflection.TargetInvocationException)
            {
                throw new InvalidOperationException($"{ServiceOptions.Section}:{nameof(ServiceOptions.EnvironmentAssemblies)}: no environments from {assembly}: {e.Message}", e);
            }
        }
        return registry;
    }

    /// <summary>Throws an InvalidOperationException naming every setting out of its range.</summary>
    private static void CheckRanges(ServiceOptions options)
    {
        var errors = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true))
            throw new InvalidOperationException(string.Join("; ", errors.Select(e => e.ErrorMessage)));
    }

    /// <summary>
    /// The address to bind; anything but loopback is refused without a configured token: the default
    /// token file is for this machine's clients, which send its token to loopback addresses only.
    /// </summary>
    private static IPAddress ListenAddress(ServiceOptions options)
    {
        var address = options.Host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(options.Host, out var parsed) ? parsed
            : throw new InvalidOperationException($"Service:Host '{options.Host}' must be an IP address or 'localhost'");
        if (!IPAddress.IsLoopback(address) && string.IsNullOrEmpty(options.Token) && string.IsNullOrEmpty(options.TokenFile))
            throw new InvalidOperationException(
                $"listening on {address}, beyond this machine, needs a token (Service:TokenFile or Service:Token, or --token-file or --token): anyone who can reach the port could run programs here");
        return address;
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 LoadCertificate(string path, ServiceOptions options) =>
        options.CertificateKeyPath is { Length: > 0 } key
            ? System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(path, key)
            : System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);
}
