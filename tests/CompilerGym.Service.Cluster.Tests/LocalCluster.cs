using System.Diagnostics;
using CompilerGym.Cli.Tests;

namespace CompilerGym.Service.Cluster.Tests;

/// <summary>
/// Silos of one cluster, each a <c>cgym serve --cluster</c> process on loopback, sharing a Redis
/// server. Failure detection is set fast (a dead silo is declared in about two seconds), and each
/// cluster has an id of its own, so clusters of other tests never meet it in Redis.
/// </summary>
public sealed class LocalCluster : IDisposable
{
    private readonly Dictionary<string, string> _settings = new()
    {
        ["CGYM_Cluster__ProbeTimeoutSeconds"] = "1",
        ["CGYM_Cluster__MissedProbesLimit"] = "2",
        ["CGYM_Cluster__DeathVotes"] = "1",
        ["CGYM_Cluster__StatusIntervalSeconds"] = "0.5",
        ["CGYM_Service__WarmWorkers"] = "1",
    };

    private readonly RedisServer _redis = new();
    private readonly List<ServeProcess?> _silos = [];
    private readonly List<int> _siloPorts = [];

    /// <param name="settings">More environment variables for the silos (CGYM_Service__IdleTimeoutSeconds, say).</param>
    public LocalCluster(int silos, IReadOnlyDictionary<string, string>? settings = null)
    {
        Id = "test-" + Guid.NewGuid().ToString("N")[..12];
        foreach (var (name, value) in settings ?? new Dictionary<string, string>()) _settings[name] = value;
        try
        {
            // Started one after another: the first creates the cluster's membership table, the others join it.
            for (int i = 0; i < silos; i++) _silos.Add(StartSilo());
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Id { get; }
    public string Redis => _redis.Configuration;

    /// <summary>Each silo's gRPC address (a gateway to every session of the cluster).</summary>
    public IReadOnlyList<string> Addresses => [.. _silos.Select(s => s?.Address ?? "")];

    /// <summary>Starts one more silo of the cluster; returns its index.</summary>
    public int AddSilo()
    {
        _silos.Add(StartSilo());
        return _silos.Count - 1;
    }

    /// <summary>Which silo a session's host (the address it reports) is, or -1.</summary>
    public int SiloOf(string? host) => _siloPorts.FindIndex(port => host == $"127.0.0.1:{port}");

    private ServeProcess StartSilo()
    {
        int port = RedisServer.FreePort();
        _siloPorts.Add(port);
        return new(_settings, "--cluster", Redis, "--cluster-id", Id, "--silo-port", port.ToString());
    }

    /// <summary>A gRPC client of a gateway, for calls the remote env does not make as they are made here, with the headers they need.</summary>
    public static Protocol.V1.CompilerGym.CompilerGymClient Client(string address, out Grpc.Core.Metadata headers)
    {
        headers = new Grpc.Core.Metadata { { "authorization", $"Bearer {Protocol.TokenFile.DefaultTokenFor(new Uri(address))}" } };
        return new Protocol.V1.CompilerGym.CompilerGymClient(Grpc.Net.Client.GrpcChannel.ForAddress(address));
    }

    /// <summary>Every live silo's log, for a failing test's message.</summary>
    public string Logs => string.Join("\n", _silos.Select((s, i) => s is null ? "" : $"--- silo {i}:\n{s.Log}"));

    /// <summary>kill -9: the silo and its workers end at once, with no chance to hand anything over.</summary>
    public void Kill(int silo)
    {
        _silos[silo]!.Dispose();
        _silos[silo] = null;
    }

    /// <summary>SIGTERM: the silo shuts down as an operator's stop would; returns how long it took to exit.</summary>
    public TimeSpan Stop(int silo)
    {
        var process = Process.GetProcessById(_silos[silo]!.Id);
        var clock = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) kill.WaitForExit();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60))) throw new TimeoutException($"silo {silo} did not stop within a minute of SIGTERM:\n{_silos[silo]!.Log}");
        var took = clock.Elapsed;
        _silos[silo]!.Dispose();
        _silos[silo] = null;
        return took;
    }

    /// <summary>kill -9 of the cluster's Redis: membership, records and uploads are gone for every silo.</summary>
    public void KillRedis()
    {
        using var redis = Process.GetProcessById(_redis.Id);
        redis.Kill();
        redis.WaitForExit();
    }

    public void Dispose()
    {
        foreach (var silo in _silos) silo?.Dispose();
        _redis.Dispose();
    }
}
