namespace CompilerGym.Service.Cluster.Sessions;

/// <summary>
/// What the cluster keeps of a session in Redis: its record (a StartSession request that rebuilds
/// it, actions included), and its last step's request id and reply, so that a step sent again
/// after a lost reply is answered, not applied twice.
/// </summary>
[GenerateSerializer]
public sealed class SessionRecordState
{
    [Id(0)] public byte[]? Record { get; set; }
    [Id(1)] public string LastRequestId { get; set; } = "";
    [Id(2)] public byte[]? LastReply { get; set; }
}
