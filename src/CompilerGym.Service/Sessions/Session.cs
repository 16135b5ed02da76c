using System.Diagnostics;
using CompilerGym.Protocol.V1;
using CompilerGym.Service.Workers;

namespace CompilerGym.Service.Sessions;

/// <summary>
/// A session as the service keeps it: the worker hosting it, and a record (benchmark, spaces,
/// actions so far) from which any worker can rebuild it: for a fork, or after its worker failed.
/// Requests on one session run one at a time (<see cref="Gate"/>).
/// </summary>
internal sealed class Session(string id, WorkerProcess worker, StartSessionRequest record, Space actionSpace, string connectionId)
{
    public string Id { get; } = id;
    public SemaphoreSlim Gate { get; } = new(1, 1);
    public WorkerProcess Worker { get; set; } = worker;

    /// <summary>A StartSession request that recreates this session, actions included.</summary>
    public StartSessionRequest Record { get; } = record;

    public Space ActionSpace { get; set; } = actionSpace;
    public string ConnectionId { get; set; } = connectionId;
    public long LastUsed { get; set; } = Stopwatch.GetTimestamp();
    public bool Ended { get; set; }

    public TimeSpan Idle => Stopwatch.GetElapsedTime(LastUsed);
}
