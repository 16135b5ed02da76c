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

    /// <summary>The worker's reply to <paramref name="request"/>; <paramref name="what"/> names the job in errors.</summary>
    public async Task<WorkerReply> RunAsync(WorkerRequest request, string what)
    {
        var worker = await pool.TakeAsync();
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
