using System.CommandLine;
using CompilerGym.Service.Cluster;
using CompilerGym.Service.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CompilerGym.Cli.Commands;

/// <summary>
/// <c>cgym serve</c>: the environment as a gRPC service. Options given here override the
/// configuration (appsettings.json in the working folder, CGYM_Service__* environment variables).
/// </summary>
internal static class ServeCommand
{
    public const string Name = "serve";

    public static Command Create()
    {
        var host = new Option<string?>("--host") { Description = "Address to listen on (default 127.0.0.1; anything else needs --token-file or --token)" };
        var port = new Option<int?>("--port") { Description = "Port (default 50051; 0 picks a free one)" };
        var token = new Option<string?>("--token") { Description = "Bearer token every call must carry (other users see it in the process list: prefer --token-file)" };
        var tokenFile = new Option<string?>("--token-file")
        {
            Description = "File of the bearer token every call must carry, made with a random token if absent " +
                $"(default ${Protocol.TokenFile.PathVariable}, else $XDG_CONFIG_HOME or ~/.config, /compiler-gym-dotnet/token)",
        };
        var stepLimit = new Option<double?>("--step-time-limit") { Description = "Seconds a step may run before it is stopped (default 60)" };
        var setupLimit = new Option<double?>("--setup-time-limit") { Description = "Seconds building a session's program may take (default 600)" };
        var memoryLimit = new Option<int?>("--worker-memory-limit") { Description = "MiB a worker may use before it is stopped (default 8192)" };
        var idle = new Option<double?>("--idle-timeout") { Description = "Seconds after which an unused session is ended (default 900)" };
        var cluster = new Option<string?>("--cluster")
        {
            Description = "Join the cluster whose membership, sessions and uploads live in this Redis server (e.g. 127.0.0.1:6379): " +
                "the server becomes one of its silos and serves every session of the cluster",
        };
        var clusterId = new Option<string?>("--cluster-id") { Description = "The cluster's id, for several clusters on one Redis (default cgym)" };
        var siloPort = new Option<int?>("--silo-port") { Description = "Port on which silos of the cluster talk to each other (default 11111)" };
        var command = new Command(Name, "Serve the environment over gRPC (see proto/compiler_gym/v1/compiler_gym.proto)")
            { host, port, token, tokenFile, stepLimit, setupLimit, memoryLimit, idle, cluster, clusterId, siloPort };
        command.SetAction(async (r, cancellation) =>
        {
            var settings = new Dictionary<string, string?>();
            void Set<T>(string key, T? value, string section = ServiceOptions.Section)
            {
                if (value is not null) settings[$"{section}:{key}"] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
            }
            Set(nameof(ServiceOptions.Host), r.GetValue(host));
            Set(nameof(ServiceOptions.Port), r.GetValue(port));
            Set(nameof(ServiceOptions.Token), r.GetValue(token));
            Set(nameof(ServiceOptions.TokenFile), r.GetValue(tokenFile));
            Set(nameof(ServiceOptions.StepTimeLimitSeconds), r.GetValue(stepLimit));
            Set(nameof(ServiceOptions.SetupTimeLimitSeconds), r.GetValue(setupLimit));
            Set(nameof(ServiceOptions.WorkerMemoryLimitMiB), r.GetValue(memoryLimit));
            Set(nameof(ServiceOptions.IdleTimeoutSeconds), r.GetValue(idle));
            Set(nameof(ClusterSettings.Redis), r.GetValue(cluster), ClusterSettings.Section);
            Set(nameof(ClusterSettings.ClusterId), r.GetValue(clusterId), ClusterSettings.Section);
            Set(nameof(ClusterSettings.SiloPort), r.GetValue(siloPort), ClusterSettings.Section);
            WebApplication app;
            try
            {
                app = ServiceHost.Build([], settings, ClusterHost.Extend);
                await app.StartAsync(cancellation);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or StackExchange.Redis.RedisConnectionException)
            {
                // Bad settings, or a port already taken (Kestrel's IOException names the address).
                Console.Error.WriteLine($"cgym: error: {e.Message}");
                return 1;
            }
            // Scripts and tests read the address from this line (the port may have been chosen by the system).
            foreach (string url in app.Urls) Console.WriteLine($"cgym serve: listening on {url}");
            if (app.Services.GetRequiredService<ServiceToken>().LocalFile is { } file) Console.WriteLine($"cgym serve: calls need the token in {file}");
            await app.WaitForShutdownAsync(cancellation);
            return 0;
        });
        return command;
    }
}
