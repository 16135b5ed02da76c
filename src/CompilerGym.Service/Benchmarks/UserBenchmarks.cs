using CompilerGym.Core.Benchmarks;
using CompilerGym.Core.Caching;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Service.Hosting;
using Microsoft.Extensions.Options;

namespace CompilerGym.Service.Benchmarks;

/// <summary>The folder of uploaded programs (<c>benchmark://user-v0/NAME</c>), shared with the workers.</summary>
public sealed class UserBenchmarks(IOptions<ServiceOptions> options, IUploadReplica? replica = null)
{
    public string Directory { get; } = Path.GetFullPath(options.Value.UserBenchmarkDirectory ?? Path.Combine(Cache.Root, UserDataset.DatasetName));

    public UserDataset Dataset => new(Directory);

    /// <summary>The uploaded programs: this server's, and on a cluster those uploaded through any silo.</summary>
    public async Task<IReadOnlyList<BenchmarkInfo>> ListAsync()
    {
        var local = Dataset.Benchmarks;
        if (replica is null) return local;
        var elsewhere = (await replica.FileNamesAsync()).Select(file => UserDataset.Describe(file));
        return [.. local.Concat(elsewhere).DistinctBy(b => b.Uri).OrderBy(b => b.Uri, StringComparer.Ordinal)];
    }

    /// <summary>Makes an uploaded program named by <paramref name="benchmark"/> present here, from the replica when it was uploaded elsewhere.</summary>
    public async Task EnsureLocalAsync(string benchmark)
    {
        if (replica is null || !benchmark.StartsWith($"benchmark://{UserDataset.DatasetName}/", StringComparison.Ordinal)) return;
        string name = benchmark[$"benchmark://{UserDataset.DatasetName}/".Length..];
        if (UserDataset.IsValidName(name) && Dataset.FileOf(name) is null)
        {
            System.IO.Directory.CreateDirectory(Directory);
            await replica.FetchAsync(name, Directory);
        }
    }
}
