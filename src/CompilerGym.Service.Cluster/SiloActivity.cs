using Orleans.Runtime;

namespace CompilerGym.Service.Cluster;

/// <summary>This silo's name in the cluster (its address) and the steps it has served, for status and progress.</summary>
public sealed class SiloActivity(ILocalSiloDetails silo)
{
    private long _steps;

    /// <summary>The silo's address, as sessions report where they run.</summary>
    public string Host { get; } = silo.SiloAddress.Endpoint.ToString();

    public long Steps => Interlocked.Read(ref _steps);

    public void Stepped() => Interlocked.Increment(ref _steps);
}
