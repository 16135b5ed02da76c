namespace CompilerGym.Service.Benchmarks;

/// <summary>
/// Where uploaded programs are kept beyond this server's folder: on a cluster, a store every silo
/// reads, so a session on an upload can run, or be restored, on any of them.
/// </summary>
public interface IUploadReplica
{
    /// <summary>Keeps a published program (<paramref name="fileName"/> is NAME.EXT); false if another program holds that name.</summary>
    Task<bool> PublishAsync(string fileName, ReadOnlyMemory<byte> program);

    /// <summary>The file names (NAME.EXT) of every program the store keeps.</summary>
    Task<IReadOnlyList<string>> FileNamesAsync();

    /// <summary>Writes the program of that name into <paramref name="directory"/> if the store has it; false if not.</summary>
    Task<bool> FetchAsync(string name, string directory);
}
