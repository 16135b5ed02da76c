using System.Runtime.ExceptionServices;
using CompilerGym.Client;
using CompilerGym.Core.Envs;

namespace CompilerGym.Cli.Tuning;

/// <summary>
/// The envs of a job's lanes, one per plan searched side by side (see <see cref="ProgramTuner"/>),
/// and each lane's helpers, which its searches run trials on side by side. Disposing disposes
/// those it made, not a first env it was given, which its creator owns.
/// </summary>
internal sealed class EnvLanes(ICompilerEnv? given, int lanes, int helpersPerLane, Func<ICompilerEnv> create) : IDisposable
{
    public IReadOnlyList<ICompilerEnv> Envs { get; } = [given ?? create(), .. Enumerable.Range(1, lanes - 1).Select(_ => create())];

    public IReadOnlyList<IReadOnlyList<ICompilerEnv>> Helpers { get; } =
        [.. Enumerable.Range(0, lanes).Select(_ => (IReadOnlyList<ICompilerEnv>)[.. Enumerable.Range(0, helpersPerLane).Select(_ => create())])];

    /// <summary>A program's name, with the silos its sessions run on once a cluster has placed them.</summary>
    public string Name(TuneTarget target)
    {
        var hosts = RemoteEnv.Hosts([.. Envs, .. Helpers.SelectMany(h => h)]);
        return hosts.Count == 0 ? target.Name : $"{target.Name} on {string.Join(", ", hosts)}";
    }

    public void Dispose()
    {
        foreach (var env in Envs.Concat(Helpers.SelectMany(h => h)).Where(e => !ReferenceEquals(e, given))) env.Dispose();
    }
}

/// <summary>
/// Programs tuned side by side, one per job, started in the order given: a job takes the next
/// program when it is done with one. Each job tunes with envs of its own, which no other job
/// touches, so that a program's result does not depend on what runs beside it.
/// </summary>
internal sealed class TuneJobs(IReadOnlyList<EnvLanes> jobs) : IDisposable
{
    /// <summary>Each target's result, in the order given; the first failure stops every job from starting another program, and is thrown.</summary>
    public T[] Run<T>(IReadOnlyList<TuneTarget> targets, Func<EnvLanes, TuneTarget, T> tune)
    {
        var results = new T[targets.Count];
        int next = -1;
        ExceptionDispatchInfo? failure = null;
        void Work(EnvLanes lanes)
        {
            try
            {
                for (int i = Interlocked.Increment(ref next); i < targets.Count && Volatile.Read(ref failure) is null; i = Interlocked.Increment(ref next))
                    results[i] = tune(lanes, targets[i]);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
            }
        }
        Task.WaitAll([.. jobs.Select(lanes => Task.Factory.StartNew(() => Work(lanes), TaskCreationOptions.LongRunning))]);
        failure?.Throw();
        return results;
    }

    public void Dispose()
    {
        foreach (var lanes in jobs) lanes.Dispose();
    }
}
