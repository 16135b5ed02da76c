using System.Collections.Concurrent;
using CompilerGym.Core.Benchmarks;
using CompilerGym.Core.Environments;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Protocol.Worker;
using CompilerGym.Service.Hosting;
using CompilerGym.Service.Workers;
using Microsoft.Extensions.Options;

namespace CompilerGym.Service.Benchmarks;

/// <summary>
/// Builds the programs of the server's own datasets (built-ins, debian-v0, generated programs)
/// into the shared cache, outside the sandbox, once per benchmark and server: sandboxed workers
/// read the cache but may not write it, nor reach the network a Debian source package comes from.
/// What clients give (uploads, files) is never built here.
/// </summary>
public sealed class TrustedBuilds(OneOffJobs jobs, EnvRegistry registry, IOptions<ServiceOptions> options)
{
    private readonly bool _sandboxed = options.Value.Sandbox;
    private readonly ConcurrentDictionary<string, Lazy<Task>> _built = new();

    /// <summary>Builds <paramref name="benchmark"/> if it is the server's own and not built yet; its errors are the client's.</summary>
    public async Task EnsureAsync(string benchmark)
    {
        if (!_sandboxed || !IsServers(benchmark)) return;
        var build = _built.GetOrAdd(benchmark, b => new Lazy<Task>(() =>
            jobs.RunTrustedAsync(new WorkerRequest { Prepare = new PrepareRequest { Benchmark = b } }, $"building {b}")));
        try { await build.Value; }
        catch
        {
            // A failure (an unknown name, a download that failed) is tried again next time.
            _built.TryRemove(KeyValuePair.Create(benchmark, build));
            throw;
        }
    }

    // Of a dataset or generator the server registers (not the uploads): anything else is for a
    // sandboxed worker to refuse, not for a worker outside the sandbox to try.
    private bool IsServers(string benchmark)
    {
        BenchmarkUri uri;
        try { uri = BenchmarkUri.Parse(benchmark); }
        catch (Exception e) when (e is FormatException or ArgumentException) { return false; } // the worker names the fault
        return uri.Scheme switch
        {
            "benchmark" => uri.Dataset != UserDataset.DatasetName && registry.All.Any(spec => spec.Datasets.Any(d => d.Name == uri.Dataset)),
            "generator" => registry.All.Any(spec => spec.Generators.Any(g => g.Name == uri.Dataset)),
            _ => false,
        };
    }
}
