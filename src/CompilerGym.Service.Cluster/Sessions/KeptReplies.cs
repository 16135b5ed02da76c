using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace CompilerGym.Service.Cluster.Sessions;

/// <summary>
/// Steps' replies, kept in their sessions' records for a client that sends a step again after its
/// reply was lost with the silo that made it. They are written a moment after the step, not with
/// it: a session's next step shows that its client had the reply, so a stepping session's replies
/// are mostly dropped unwritten, which saves it most of a Redis command per step. A reply is
/// written only while its record still names its step (a script checks), so a late one never
/// lands beside a later step, a reset's or a deleted record.
/// </summary>
public sealed class KeptReplies(SessionRecords records, ILogger<KeptReplies> logger) : BackgroundService
{
    // How long a reply waits for its session's next step, at most, before it is written.
    private static readonly TimeSpan s_delay = TimeSpan.FromMilliseconds(5);

    private readonly ConcurrentDictionary<string, (string RequestId, byte[] Reply)> _due = new();
    // Woken by the first reply kept after a round of writes, so that an idle silo does not wake.
    private readonly SemaphoreSlim _wake = new(0);
    private int _armed;

    /// <summary>Keeps the reply of the session's step <paramref name="requestId"/>, in place of any before it.</summary>
    public void Keep(string sessionId, string requestId, byte[] reply)
    {
        _due[sessionId] = (requestId, reply);
        if (Interlocked.Exchange(ref _armed, 1) == 0) _wake.Release();
    }

    /// <summary>Drops a reply not yet written: the session's client sent its next step, so it has it.</summary>
    public void Drop(string sessionId) => _due.TryRemove(sessionId, out _);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await _wake.WaitAsync(stopping);
                await Task.Delay(s_delay, stopping);
                // Disarmed before the round reads them: a reply kept from here on wakes the next round.
                Volatile.Write(ref _armed, 0);
                await WriteAsync();
            }
        }
        catch (OperationCanceledException) { }
        // A silo that stops hands its sessions over: their last replies go with them.
        await WriteAsync();
    }

    private async Task WriteAsync()
    {
        if (_due.IsEmpty) return;
        var writes = new List<Task>();
        // Removed only as read: a reply kept meanwhile stays for the next round.
        foreach (var entry in _due)
            if (_due.TryRemove(entry)) writes.Add(records.KeepReplyAsync(entry.Key, entry.Value.RequestId, entry.Value.Reply));
        try { await Task.WhenAll(writes); }
        catch (RedisException e)
        {
            // Only a step sent again after its silo died needs them; it then gets its observations as they are.
            logger.LogWarning("{Count} step replies were not kept: {Error}", writes.Count(w => w.IsFaulted), e.Message);
        }
    }
}
