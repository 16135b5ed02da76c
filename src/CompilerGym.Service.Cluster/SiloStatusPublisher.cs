using System.Diagnostics;
using CompilerGym.Service.Sessions;
using CompilerGym.Service.Workers;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace CompilerGym.Service.Cluster;

/// <summary>
/// Publishes this silo's figures to Redis every few seconds (sessions, steps per second, its
/// workers' memory, its gRPC address), for <c>cgym cluster status</c>. Each entry expires unless
/// renewed, so a dead silo drops out of the list by itself.
/// </summary>
public sealed class SiloStatusPublisher(IConnectionMultiplexer redis, ClusterKeys keys, SiloActivity activity, SessionManager sessions,
    WorkerPool workers, ClusterSettings settings) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        var interval = TimeSpan.FromSeconds(settings.StatusIntervalSeconds);
        long steps = activity.Steps, at = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                long nowSteps = activity.Steps;
                double rate = (nowSteps - steps) / Stopwatch.GetElapsedTime(at).TotalSeconds;
                (steps, at) = (nowSteps, Stopwatch.GetTimestamp());
                // Not waited for past the stop: without Redis, a write waits seconds for a connection.
                try { await PublishAsync(rate, nowSteps).WaitAsync(stopping); }
                catch (RedisException) { } // Redis away for a moment: the next tick tries again
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task PublishAsync(double rate, long nowSteps)
    {
        var status = new SiloFigures(activity.Host, activity.Gateway, sessions.Count, Math.Round(rate, 1), nowSteps,
            workers.ResidentBytes() >> 20, DateTimeOffset.UtcNow);
        string key = keys.Silo(activity.Host);
        var database = redis.GetDatabase();
        await database.HashSetAsync(key, status.ToHash());
        await database.KeyExpireAsync(key, TimeSpan.FromSeconds(settings.StatusIntervalSeconds * 3));
    }
}
