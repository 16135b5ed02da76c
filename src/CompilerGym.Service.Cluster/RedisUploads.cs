using CompilerGym.Service.Benchmarks;
using StackExchange.Redis;

namespace CompilerGym.Service.Cluster;

/// <summary>
/// The cluster's uploaded programs, in Redis: each silo keeps a copy in its own uploads folder
/// when a session needs one, so a session on an upload runs, and is restored, on any silo.
/// </summary>
public sealed class RedisUploads(IConnectionMultiplexer redis, ClusterKeys keys) : IUploadReplica
{
    private IDatabase Database => redis.GetDatabase();

    public async Task<bool> PublishAsync(string fileName, ReadOnlyMemory<byte> program)
    {
        string name = Path.GetFileNameWithoutExtension(fileName);
        var value = Encode(fileName, program);
        if (await Database.StringSetAsync(keys.Upload(name), value, when: When.NotExists)) return true;
        byte[]? kept = await Database.StringGetAsync(keys.Upload(name));
        return kept is not null && kept.AsSpan().SequenceEqual(value);
    }

    public async Task<IReadOnlyList<string>> FileNamesAsync()
    {
        var names = new List<string>();
        foreach (var server in redis.GetServers())
            await foreach (var key in server.KeysAsync(pattern: keys.UploadPattern))
            {
                // The file's name heads the value; the program after it is not read.
                byte[]? head = await Database.StringGetRangeAsync(key, 0, 255);
                int end = head is null ? -1 : Array.IndexOf(head, (byte)'\n');
                if (end > 0) names.Add(System.Text.Encoding.UTF8.GetString(head!, 0, end));
            }
        return names;
    }

    public async Task<bool> FetchAsync(string name, string directory)
    {
        byte[]? value = await Database.StringGetAsync(keys.Upload(name));
        if (value is null) return false;
        int end = Array.IndexOf(value, (byte)'\n');
        string fileName = System.Text.Encoding.UTF8.GetString(value, 0, end);
        // Written aside and moved, so no worker reads half a program.
        string staged = Path.Combine(directory, $".{fileName}.{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(staged, value.AsMemory(end + 1));
        File.Move(staged, Path.Combine(directory, fileName), overwrite: true);
        return true;
    }

    // The file's name, a newline, then the program.
    private static byte[] Encode(string fileName, ReadOnlyMemory<byte> program)
    {
        byte[] head = System.Text.Encoding.UTF8.GetBytes(fileName + "\n");
        var value = new byte[head.Length + program.Length];
        head.CopyTo(value, 0);
        program.Span.CopyTo(value.AsSpan(head.Length));
        return value;
    }
}

/// <summary>The names of the cluster's own keys in Redis, under its cluster id.</summary>
public sealed class ClusterKeys(string clusterId)
{
    public string Upload(string name) => $"cgym:{clusterId}:upload:{name}";

    public string UploadPattern => $"cgym:{clusterId}:upload:*";

    public string Silo(string host) => $"cgym:{clusterId}:silo:{host}";

    public string Session(string id) => $"cgym:{clusterId}:session:{id}";

    public string SessionActions(string id) => $"cgym:{clusterId}:session:{id}:actions";

    public string SiloPattern => $"cgym:{clusterId}:silo:*";
}
