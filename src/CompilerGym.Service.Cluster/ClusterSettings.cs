using System.ComponentModel.DataAnnotations;

namespace CompilerGym.Service.Cluster;

/// <summary>
/// How a server joins a cluster, bound from the configuration section <c>Cluster</c> (with
/// <c>CGYM_Cluster__Redis</c>-style environment variables, or <c>cgym serve --cluster</c>). Without
/// <see cref="Redis"/>, the server is the single process it always was.
/// </summary>
public sealed class ClusterSettings
{
    public const string Section = "Cluster";

    private const string Positive = $"{Section}:{{0}} must be positive";

    /// <summary>
    /// The Redis server (a StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>) that
    /// holds the cluster's membership, its sessions' records and its uploaded programs.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Silos with the same id form one cluster; several clusters can share one Redis.</summary>
    public string ClusterId { get; set; } = "cgym";

    /// <summary>The port on which silos talk to each other.</summary>
    [Range(0, 65535, ErrorMessage = $"{Section}:{{0}} must be 0 to 65535")]
    public int SiloPort { get; set; } = 11111;

    /// <summary>
    /// The address other silos reach this one at: by default loopback when the service listens on
    /// loopback, else this machine's first IPv4 address (in Kubernetes, the pod's, set by the manifest).
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>How long a silo waits for another's answer to a liveness probe.</summary>
    [Range(0.1, 600, ErrorMessage = $"{Section}:{{0}} must be 0.1 to 600")]
    public double ProbeTimeoutSeconds { get; set; } = 2;

    /// <summary>Probes a silo may miss before it is suspected.</summary>
    [Range(1, 100, ErrorMessage = Positive)]
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>Suspicions (by different silos) that declare a silo dead; a cluster of fewer silos needs fewer.</summary>
    [Range(1, 100, ErrorMessage = Positive)]
    public int DeathVotes { get; set; } = 2;

    /// <summary>Seconds between the statistics each silo publishes for <c>cgym cluster status</c>.</summary>
    [Range(0.1, 3600, ErrorMessage = Positive)]
    public double StatusIntervalSeconds { get; set; } = 2;

    /// <summary>In a Kubernetes pod: Orleans' Kubernetes hosting takes the pod's name, namespace and address, and removes dead silos' pods.</summary>
    public bool Kubernetes { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Redis);
}
