using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CompilerGym.Service.Cluster;

/// <summary>
/// Orleans' silo service, stopped so that a server's stop ends promptly without Redis. A stopping
/// silo records its leaving in the membership table, in Redis, and Orleans retries each of those
/// writes for a minute (two of them), whatever the host's shutdown time-out: a silo whose Redis was
/// gone took two minutes to exit. Here a silo whose Redis does not answer leaves at once, as a killed
/// one does (the other silos find it gone by their probes; its sessions' records are where they
/// were), and no stop outlasts the host's shutdown time-out.
/// </summary>
internal sealed class PromptSiloStop(IHostedService silo, IConnectionMultiplexer redis, ILogger<PromptSiloStop> logger) : IHostedService
{
    // Redis answers a ping in a millisecond; one that has not within this is not there to be told.
    private static readonly TimeSpan s_pingLimit = TimeSpan.FromSeconds(2);

    private const string SiloServiceName = "Orleans.Hosting.SiloHostedService";

    /// <summary>Puts this in place of the silo service that UseOrleans registered (in its place: services stop in reverse order).</summary>
    public static void Replace(IServiceCollection services)
    {
        int index = services.ToList().FindIndex(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.FullName == SiloServiceName);
        if (index < 0) throw new InvalidOperationException($"no {SiloServiceName} among the services: UseOrleans must come first");
        var siloType = services[index].ImplementationType!;
        services[index] = ServiceDescriptor.Singleton<IHostedService>(provider => new PromptSiloStop(
            (IHostedService)ActivatorUtilities.CreateInstance(provider, siloType), provider.GetRequiredService<IConnectionMultiplexer>(),
            provider.GetRequiredService<ILogger<PromptSiloStop>>()));
    }

    public Task StartAsync(CancellationToken cancellation) => silo.StartAsync(cancellation);

    public async Task StopAsync(CancellationToken cancellation)
    {
        if (!await RedisAnswersAsync())
        {
            logger.LogWarning("Redis does not answer: this silo leaves without telling the cluster, whose other silos will find it gone");
            return;
        }
        try { await silo.StopAsync(cancellation).WaitAsync(cancellation); }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            logger.LogWarning("the silo did not stop within the host's shutdown time-out (is Redis still there?): it leaves as it is");
        }
    }

    private async Task<bool> RedisAnswersAsync()
    {
        if (!redis.IsConnected) return false;
        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(s_pingLimit);
            return true;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return false;
        }
    }
}
