using CompilerGym.Core.Caching;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Service.Hosting;
using Microsoft.Extensions.Options;

namespace CompilerGym.Service.Benchmarks;

/// <summary>The folder of uploaded programs (<c>benchmark://user-v0/NAME</c>), shared with the workers.</summary>
public sealed class UserBenchmarks(IOptions<ServiceOptions> options)
{
    public string Directory { get; } = Path.GetFullPath(options.Value.UserBenchmarkDirectory ?? Path.Combine(Cache.Root, UserDataset.DatasetName));

    public UserDataset Dataset => new(Directory);
}
