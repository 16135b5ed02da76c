using CompilerGym.Llvm.Datasets;
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
                if (FileNameOf(head) is { } fileName) names.Add(fileName);
            }
        return names;
    }

    public async Task<bool> FetchAsync(string name, string directory)
    {
        byte[]? value = await Database.StringGetAsync(keys.Upload(name));
        if (FileNameOf(value) is not { } fileName || Path.GetFileNameWithoutExtension(fileName) != name) return false;
        int end = fileName.Length; // the name is ASCII: its bytes are its characters
        // Written aside and moved, so no worker reads half a program.
        string staged = Path.Combine(directory, $".{fileName}.{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(staged, value.AsMemory(end + 1));
        File.Move(staged, Path.Combine(directory, fileName), overwrite: true);
        return true;
    }

    // The file name heading a stored value, if it is one an upload can have (NAME.EXT, a valid
    // name, a known extension): nothing read from Redis names a file outside the uploads folder.
    private static string? FileNameOf(byte[]? value)
    {
        int end = value is null ? -1 : Array.IndexOf(value, (byte)'\n');
        if (end <= 0) return null;
        string fileName = System.Text.Encoding.UTF8.GetString(value!, 0, end);
        return UserDataset.IsValidName(Path.GetFileNameWithoutExtension(fileName)) && UserDataset.Extensions.Contains(Path.GetExtension(fileName))
            ? fileName : null;
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
