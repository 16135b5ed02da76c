namespace CompilerGym.Service.Cluster.Sessions;

/// <summary>
/// One session of the cluster, keyed by its id. Requests and replies are the contract's messages,
/// serialized: the grain forwards them to its silo's <see cref="Service.Sessions.SessionManager"/>.
/// A request's cancellation (its client cancelled, or its deadline passed) reaches the silo that
/// serves it, which stops the request as a single server does.
/// </summary>
public interface ISessionGrain : IGrainWithStringKey
{
    Task<SessionAnswer> Start(byte[] request, CancellationToken cancellation);
    Task<SessionAnswer> Step(byte[] request, CancellationToken cancellation);
    Task<SessionAnswer> Reset(byte[] request, CancellationToken cancellation);
    Task<SessionAnswer> GetState(byte[] request);
    /// <summary>
    /// Forks the session into the session <paramref name="forkId"/>, on this silo, unless that fork
    /// exists already, which it may only if its request was sent <paramref name="before"/>.
    /// </summary>
    Task<SessionAnswer> Fork(string forkId, bool before, CancellationToken cancellation);
    /// <summary>Activates a fork's grain beside the session it was forked from (the call places it).</summary>
    Task Adopt();
    Task<SessionAnswer> End(string reason);
}

/// <summary>A reply (a serialized message), or the status of a refusal: gRPC's exceptions do not cross silos.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionAnswer([property: Id(0)] byte[]? Reply, [property: Id(1)] int Code, [property: Id(2)] string Message, [property: Id(3)] string Reason)
{
    public static SessionAnswer Of(byte[] reply) => new(reply, 0, "", "");
}
