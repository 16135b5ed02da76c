using CompilerGym.Protocol.V1;
using Google.Protobuf;
using StackExchange.Redis;

namespace CompilerGym.Service.Cluster.Sessions;

/// <summary>
/// The cluster's records of its sessions, in Redis: how each started (a StartSession request
/// without actions) in a hash, with its last request's id and reply (its last step's, or its
/// start's), and its actions in a list beside it, which a step appends to (one round trip,
/// whatever the episode's length). Both expire when unused for twice the idle time-out and two
/// minutes, so a cluster that died whole leaves nothing behind; the margin lets a live session's
/// grain, whose idle collection runs late on a loaded silo, delete the record first. Beside them, which session each recent start
/// or fork (by its request id) made, kept for <paramref name="requestsKept"/>.
/// </summary>
public sealed class SessionRecords(IConnectionMultiplexer redis, ClusterKeys keys, TimeSpan idleTimeout, TimeSpan requestsKept)
{
    private const string StartField = "start", RequestField = "request", ReplyField = "reply";

    private IDatabase Database => redis.GetDatabase();
    private TimeSpan Expiry => idleTimeout * 2 + TimeSpan.FromMinutes(2);

    /// <summary>A session's record (null if it has none) and its last request's id and reply.</summary>
    public async Task<(StartSessionRequest? Record, string LastRequestId, byte[]? LastReply)> ReadAsync(string id)
    {
        var database = Database;
        var fields = database.HashGetAsync(keys.Session(id), [StartField, RequestField, ReplyField]);
        var actions = database.ListRangeAsync(keys.SessionActions(id));
        var values = await fields;
        if (values[0].IsNull) return (null, "", null);
        var record = StartSessionRequest.Parser.ParseFrom((byte[])values[0]!);
        record.Actions.AddRange((await actions).Select(a => (string)a!));
        return (record, values[1].IsNull ? "" : (string)values[1]!, values[2].IsNullOrEmpty ? null : (byte[])values[2]!);
    }

    /// <summary>
    /// Replaces the whole record: at a start (with its request id and reply, if it has an id), a
    /// reset, a fork.
    /// </summary>
    public Task WriteAsync(string id, StartSessionRequest record, string requestId = "", byte[]? reply = null)
    {
        var start = record.Clone();
        start.Actions.Clear();
        var transaction = Database.CreateTransaction();
        _ = transaction.KeyDeleteAsync([keys.Session(id), keys.SessionActions(id)]);
        _ = transaction.HashSetAsync(keys.Session(id), StartField, start.ToByteArray());
        if (requestId.Length > 0) _ = transaction.HashSetAsync(keys.Session(id), [new(RequestField, requestId), new(ReplyField, reply ?? [])]);
        if (record.Actions.Count > 0) _ = transaction.ListRightPushAsync(keys.SessionActions(id), [.. record.Actions.Select(a => (RedisValue)a)]);
        Touch(transaction, id);
        return transaction.ExecuteAsync();
    }

    // A step's record in one command, atomic, instead of a transaction of five: KEYS = the hash and
    // the list; ARGV = the request id, the expiry in ms, then the actions. (The hash's fields are
    // RequestField and ReplyField.)
    private const string AppendScript = """
        redis.call('RPUSH', KEYS[2], unpack(ARGV, 3))
        redis.call('HSET', KEYS[1], 'request', ARGV[1], 'reply', '')
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        redis.call('PEXPIRE', KEYS[2], ARGV[2])
        """;

    /// <summary>Adds a step's actions, with its request id; its reply is kept apart (<see cref="KeptReplies"/>).</summary>
    public Task AppendAsync(string id, IReadOnlyList<string> actions, string requestId) =>
        Database.ScriptEvaluateAsync(AppendScript, [keys.Session(id), keys.SessionActions(id)],
            [requestId, (long)Expiry.TotalMilliseconds, .. actions.Select(a => (RedisValue)a)]);

    /// <summary>Takes back what <see cref="AppendAsync"/> added, for a step that failed: the record keeps its first <paramref name="actions"/>.</summary>
    public Task TruncateAsync(string id, int actions, string lastRequestId)
    {
        var transaction = Database.CreateTransaction();
        _ = actions == 0 ? transaction.KeyDeleteAsync(keys.SessionActions(id)) : transaction.ListTrimAsync(keys.SessionActions(id), 0, actions - 1);
        _ = transaction.HashSetAsync(keys.Session(id), RequestField, lastRequestId);
        return transaction.ExecuteAsync();
    }

    // KEYS = the hash; ARGV = the step's request id, its reply. (The hash's fields are RequestField and ReplyField.)
    private const string KeepReplyScript = """
        if redis.call('HGET', KEYS[1], 'request') == ARGV[1] then redis.call('HSET', KEYS[1], 'reply', ARGV[2]) end
        """;

    /// <summary>
    /// Keeps the reply of the step with that request id, for a client that sends it again after
    /// losing it, unless the record has moved on from that step (or is gone).
    /// </summary>
    public Task KeepReplyAsync(string id, string requestId, byte[] reply) =>
        Database.ScriptEvaluateAsync(KeepReplyScript, [keys.Session(id)], [requestId, reply]);

    // KEYS = the request's key; ARGV = the id of the session it would make, the time kept in ms.
    private const string ClaimScript = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return ARGV[1] end
        return redis.call('GET', KEYS[1])
        """;

    /// <summary>
    /// The id of the session the request <paramref name="requestId"/> (a start or a fork) makes:
    /// <paramref name="newId"/>, unless it was sent before.
    /// </summary>
    public async Task<string> SessionMadeByAsync(string requestId, string newId) =>
        (string)(await Database.ScriptEvaluateAsync(ClaimScript, [keys.SessionMadeBy(requestId)], [newId, (long)requestsKept.TotalMilliseconds]))!;

    /// <summary>Whether the session has a record: it was made, and has not ended.</summary>
    public Task<bool> ExistsAsync(string id) => Database.HashExistsAsync(keys.Session(id), StartField);

    public Task DeleteAsync(string id) => Database.KeyDeleteAsync([keys.Session(id), keys.SessionActions(id)]);

    private void Touch(ITransaction transaction, string id)
    {
        _ = transaction.KeyExpireAsync(keys.Session(id), Expiry);
        _ = transaction.KeyExpireAsync(keys.SessionActions(id), Expiry);
    }
}
