using CompilerGym.Protocol.Worker;
using CompilerGym.Service.Hosting;
using Microsoft.Extensions.Options;

namespace CompilerGym.Service.Workers;

/// <summary>
/// Runs requests that belong to no session (a validation, a check of an uploaded program), each
/// in a worker of its own that ends with it, so what it does cannot reach any session.
/// </summary>
public sealed class OneOffJobs(WorkerPool pool, WorkerErrors errors, IOptions<ServiceOptions> options)
{
    private readonly ServiceOptions _options = options.Value;

    /// <summary>
    /// The worker's reply to <paramref name="request"/>; <paramref name="what"/> names the job in
    /// errors; <paramref name="readable"/> are files it must read (see <see cref="WorkerPool.TakeAsync"/>).
    /// </summary>
    public Task<WorkerReply> RunAsync(WorkerRequest request, string what, IReadOnlyCollection<string>? readable = null) =>
        RunInAsync(pool.TakeAsync(readable), request, what);

    /// <summary>Runs a job of the server's own outside the sandbox (see <see cref="WorkerPool.TakeTrustedAsync"/>).</summary>
    public Task<WorkerReply> RunTrustedAsync(WorkerRequest request, string what) => RunInAsync(pool.TakeTrustedAsync(), request, what);

    private async Task<WorkerReply> RunInAsync(Task<WorkerProcess> taken, WorkerRequest request, string what)
    {
        var worker = await taken;
        try
        {
            return WorkerErrors.Checked(await worker.CallAsync(request, _options.SetupTimeLimit, _options.WorkerMemoryLimitBytes));
        }
        catch (WorkerFailedException e)
        {
            throw errors.ToRpc(e, what);
        }
        finally { pool.End(worker); }
    }
}
