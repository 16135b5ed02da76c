using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CompilerGym.Service.Workers;

/// <summary>The service is healthy while it can start workers: without them no session can run.</summary>
public sealed class WorkerHealthCheck(WorkerPool pool) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(pool.LastStartError is { } error
            ? HealthCheckResult.Unhealthy($"workers fail to start: {error}")
            : HealthCheckResult.Healthy($"{pool.LiveCount} workers alive"));
}
