using System.Globalization;
using StackExchange.Redis;

namespace CompilerGym.Service.Cluster;

/// <summary>
/// A silo's figures as it publishes them (<see cref="SiloStatusPublisher"/>): a Redis hash under
/// <see cref="ClusterKeys.Silo"/>, read back by <c>cgym cluster status</c>.
/// </summary>
public sealed record SiloFigures(string Silo, string Gateway, long Sessions, double StepsPerSecond, long Steps, long WorkerMiB, DateTimeOffset Updated)
{
    public HashEntry[] ToHash() =>
    [
        new("silo", Silo),
        new("gateway", Gateway),
        new("sessions", Sessions),
        new("steps_per_second", StepsPerSecond),
        new("steps", Steps),
        new("worker_mib", WorkerMiB),
        new("updated", Updated.ToUnixTimeMilliseconds()),
    ];

    /// <summary>The figures in a hash; null for a hash that expired before it was read.</summary>
    public static SiloFigures? FromHash(HashEntry[] hash)
    {
        if (hash.Length == 0) return null;
        var fields = hash.ToStringDictionary();
        long Number(string name) => long.Parse(fields[name], CultureInfo.InvariantCulture);
        return new(fields["silo"], fields["gateway"], Number("sessions"), double.Parse(fields["steps_per_second"], CultureInfo.InvariantCulture),
            Number("steps"), Number("worker_mib"), DateTimeOffset.FromUnixTimeMilliseconds(Number("updated")));
    }

    /// <summary>Every live silo of a cluster, by name (a dead silo's entry has expired).</summary>
    public static async Task<IReadOnlyList<SiloFigures>> ReadAllAsync(IConnectionMultiplexer redis, ClusterKeys keys)
    {
        var database = redis.GetDatabase();
        var silos = new List<SiloFigures>();
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
            await foreach (var key in server.KeysAsync(pattern: keys.SiloPattern))
                if (FromHash(await database.HashGetAllAsync(key)) is { } silo) silos.Add(silo);
        return [.. silos.OrderBy(s => s.Silo, StringComparer.Ordinal)];
    }
}
