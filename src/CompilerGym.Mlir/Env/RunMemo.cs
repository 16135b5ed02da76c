using System.Collections.Concurrent;
using CompilerGym.Core.Caching;
using CompilerGym.Mlir.Runtime;

namespace CompilerGym.Mlir.Env;

/// <summary>
/// The runs of the kernels an env (and its forks) has measured, by the kernel's MLIR text: an agent
/// revisits the same schedules across episodes, and each run costs a build and seconds of timing.
/// A new env measures afresh. Bounded: past <see cref="Capacity"/> kernels it starts over.
/// </summary>
internal sealed class RunMemo
{
    public const int Capacity = 4096;

    private readonly ConcurrentDictionary<string, RunResult> _runs = new();

    public RunResult GetOrRun(string text, Func<RunResult> run)
    {
        string key = Cache.Hash(text);
        if (_runs.TryGetValue(key, out var known)) return known;
        var result = run();
        if (_runs.Count >= Capacity) _runs.Clear();
        _runs[key] = result;
        return result;
    }

    /// <summary>The run of a kernel, if it was measured.</summary>
    public RunResult? Find(string text) => _runs.GetValueOrDefault(Cache.Hash(text));
}
