using System.Collections.Concurrent;
using System.Diagnostics;

namespace CompilerGym.Service.Sessions;

/// <summary>
/// Which client connections have closed, and when: a session whose client has gone is reclaimed
/// sooner than one that is merely idle. Fed by a Kestrel connection middleware.
/// </summary>
public sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<string, long> _closedAt = new();

    public void Closed(string connectionId) => _closedAt[connectionId] = Stopwatch.GetTimestamp();

    /// <summary>How long ago the connection closed; null while it is open (or was never seen).</summary>
    public TimeSpan? ClosedFor(string connectionId) =>
        _closedAt.TryGetValue(connectionId, out long at) ? Stopwatch.GetElapsedTime(at) : null;

    /// <summary>Drops closed connections older than <paramref name="age"/>.</summary>
    public void Forget(TimeSpan age)
    {
        foreach (var (id, at) in _closedAt)
            if (Stopwatch.GetElapsedTime(at) > age) _closedAt.TryRemove(id, out _);
    }
}
