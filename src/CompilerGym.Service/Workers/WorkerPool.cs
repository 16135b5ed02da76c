using System.Collections.Concurrent;
using CompilerGym.Core.Caching;
using CompilerGym.Service.Benchmarks;
using CompilerGym.Service.Hosting;
using CompilerGym.Service.Sandboxing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CompilerGym.Service.Workers;

/// <summary>
/// Starts worker processes and keeps a few started ahead of need, so that a new session, a fork
/// or a restore does not wait for a runtime to start. Every worker it started is killed when it is
/// disposed (at server shutdown). Workers run in the <see cref="Sandbox"/> (unless
/// <see cref="ServiceOptions.Sandbox"/> is off), but for those that build the server's own datasets.
/// </summary>
public sealed class WorkerPool : IDisposable
{
    private static readonly TimeSpan s_startLimit = TimeSpan.FromSeconds(60);

    private readonly WorkerLaunch _trusted;
    private readonly Sandbox? _sandbox;
    private readonly WorkerLaunch _launch;
    private readonly int _warmTarget;
    private readonly ILogger<WorkerPool> _logger;
    private readonly ConcurrentQueue<WorkerProcess> _warm = new();
    private readonly ConcurrentDictionary<int, WorkerProcess> _live = new();
    private int _warmStarting;
    private volatile bool _disposed;
    private string? _llvmVersion;
    private volatile string? _lastStartError;

    public WorkerPool(IOptions<ServiceOptions> options, UserBenchmarks userBenchmarks, ILogger<WorkerPool> logger)
    {
        _trusted = WorkerLaunch.Beside(userBenchmarks.Directory, options.Value.EnvironmentAssemblies);
        if (options.Value.Sandbox)
        {
            Sandbox.CheckInstalled();
            // What the sandbox binds or hides must exist; the uploads' folder may not have been made yet.
            string hidden = Directory.CreateDirectory(Path.Combine(Cache.Root, Cache.PrivateFolder)).FullName;
            Directory.CreateDirectory(userBenchmarks.Directory);
            _sandbox = new Sandbox([Cache.Root], [hidden], options.Value.WorkerMemoryLimitBytes);
            _sandbox.CheckReadable(Cache.Root);
            _sandbox.CheckReadable(userBenchmarks.Directory);
        }
        _launch = _sandbox?.Confine(_trusted, []) ?? _trusted;
        _warmTarget = options.Value.WarmWorkers;
        _logger = logger;
    }

    /// <summary>Why the last attempt to start a worker failed; null once one has started since.</summary>
    public string? LastStartError => _lastStartError;

    /// <summary>Worker processes alive now (warm and in use).</summary>
    public int LiveCount => _live.Count;

    /// <summary>The resident memory of all live workers together.</summary>
    public long ResidentBytes() => _live.Values.Sum(w => w.ResidentBytes());

    /// <summary>The LLVM version the workers report (starts one if none has run yet).</summary>
    public async Task<string> LlvmVersionAsync()
    {
        if (_llvmVersion is { } known) return known;
        End(await TakeAsync());
        return _llvmVersion!;
    }

    /// <summary>
    /// A started worker, now owned by the caller, who ends it with <see cref="End"/>. One that must
    /// read <paramref name="readable"/> (files a session names) is started for the caller.
    /// </summary>
    public async Task<WorkerProcess> TakeAsync(IReadOnlyCollection<string>? readable = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (readable is { Count: > 0 } && _sandbox is not null) return await StartAsync(_sandbox.Confine(_trusted, readable));
        WorkerProcess? worker = null;
        while (_warm.TryDequeue(out var candidate))
        {
            if (!candidate.HasExited) { worker = candidate; break; }
            End(candidate);
        }
        Refill();
        return worker ?? await StartAsync(_launch);
    }

    /// <summary>
    /// A worker outside the sandbox, for building the programs of the server's own datasets (which
    /// may fetch sources from the network and write the shared cache); given only the name of one of them.
    /// </summary>
    public Task<WorkerProcess> TakeTrustedAsync()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return StartAsync(_trusted);
    }

    /// <summary>Kills a worker's process and stops counting it among the live ones.</summary>
    public void End(WorkerProcess worker)
    {
        _live.TryRemove(worker.Pid, out _);
        worker.Dispose();
    }

    /// <summary>Tops the warm workers up to the configured number, in the background.</summary>
    public void Refill()
    {
        while (!_disposed && _warm.Count + Volatile.Read(ref _warmStarting) < _warmTarget)
        {
            Interlocked.Increment(ref _warmStarting);
            _ = Task.Run(async () =>
            {
                try
                {
                    var worker = await StartAsync(_launch);
                    if (_disposed) End(worker);
                    else _warm.Enqueue(worker);
                }
                catch (Exception e)
                {
                    _logger.LogError(e, "could not start a warm worker");
                }
                finally
                {
                    Interlocked.Decrement(ref _warmStarting);
                }
            });
        }
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var worker in _live.Values) End(worker);
    }

    private async Task<WorkerProcess> StartAsync(WorkerLaunch launch)
    {
        WorkerProcess worker;
        try
        {
            worker = await WorkerProcess.StartAsync(launch, s_startLimit, _logger);
        }
        catch (Exception e)
        {
            _lastStartError = e.Message;
            throw;
        }
        _lastStartError = null;
        _live[worker.Pid] = worker;
        _llvmVersion = worker.LlvmVersion;
        if (_disposed) { End(worker); ObjectDisposedException.ThrowIf(true, this); }
        return worker;
    }
}
