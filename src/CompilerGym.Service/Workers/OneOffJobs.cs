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
    /// The worker's reply to <paramref name="request"/>, run under the set-up limit; <paramref name="what"/>
    /// names the job in errors; <paramref name="readable"/> are files it must read (see <see cref="WorkerPool.TakeAsync"/>).
    /// </summary>
    public Task<WorkerReply> RunAsync(WorkerRequest request, string what, IReadOnlyCollection<string>? readable = null,
        CancellationToken cancellation = default) =>
        RunAsync(request, _options.SetupTimeLimit, what, readable, cancellation);

    /// <summary>
    /// The worker's reply to <paramref name="request"/>, run under <paramref name="timeLimit"/>; first,
    /// when given, <paramref name="setup"/> runs in the same worker under the set-up limit, to build
    /// what the request needs (a worker keeps the programs it loaded). A setup the worker refuses is
    /// left for the request itself to report, in its own terms.
    /// </summary>
    public Task<WorkerReply> RunAsync(WorkerRequest request, TimeSpan timeLimit, string what, IReadOnlyCollection<string>? readable,
        CancellationToken cancellation, WorkerRequest? setup = null) =>
        RunInAsync(pool.TakeAsync(readable), request, timeLimit, what, cancellation, setup);

    /// <summary>Runs a job of the server's own outside the sandbox (see <see cref="WorkerPool.TakeTrustedAsync"/>).</summary>
    public Task<WorkerReply> RunTrustedAsync(WorkerRequest request, string what) =>
        RunInAsync(pool.TakeTrustedAsync(), request, _options.SetupTimeLimit, what, CancellationToken.None, setup: null);

    private async Task<WorkerReply> RunInAsync(Task<WorkerProcess> taken, WorkerRequest request, TimeSpan timeLimit, string what,
        CancellationToken cancellation, WorkerRequest? setup)
    {
        var worker = await taken;
        try
        {
            if (setup is not null) await worker.CallAsync(setup, _options.SetupTimeLimit, _options.WorkerMemoryLimitBytes, cancellation);
            return WorkerErrors.Checked(await worker.CallAsync(request, timeLimit, _options.WorkerMemoryLimitBytes, cancellation));
        }
        catch (WorkerFailedException e)
        {
            throw errors.ToRpc(e, what);
        }
        finally { pool.End(worker); }
    }
}
