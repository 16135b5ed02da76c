using System.Collections.Concurrent;

namespace CompilerGym.Service.Cluster.Sessions;

/// <summary>
/// The session grains active on this silo, so that a step arriving at this silo's gateway for one
/// of them is served by the grain in place (<see cref="SessionGrainBase.StepInPlaceAsync"/>) rather
/// than sent to it as an Orleans message: on a small machine, a local grain call's thread hops
/// cost as much as a cheap step. Orleans still places, activates, collects and moves the grains.
/// </summary>
public sealed class LocalSessionGrains(TimeSpan idleTimeout)
{
    private readonly ConcurrentDictionary<string, SessionGrainBase> _active = new();

    /// <summary>How long a session unused ends after: an in-place step keeps its grain from collection for this long.</summary>
    public TimeSpan IdleTimeout { get; } = idleTimeout;

    public void Add(string sessionId, SessionGrainBase grain) => _active[sessionId] = grain;

    public void Remove(string sessionId, SessionGrainBase grain) => _active.TryRemove(new(sessionId, grain));

    public SessionGrainBase? Find(string sessionId) => _active.GetValueOrDefault(sessionId);
}
