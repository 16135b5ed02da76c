using CompilerGym.Service.Hosting;
using CompilerGym.Service.Workers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CompilerGym.Benchmarks.Measurements;

/// <summary>A <c>cgym serve</c> server on a free loopback port, in this process (its workers are processes of their own).</summary>
internal sealed class LocalServer : IDisposable
{
    private readonly WebApplication _app;

    public string Address { get; }

    /// <summary>The resident memory of the server's worker processes.</summary>
    public long WorkerResidentBytes => _app.Services.GetRequiredService<WorkerPool>().ResidentBytes();

    public LocalServer(int warmWorkers = 2, bool sandbox = true)
    {
        _app = ServiceHost.Build([], [new("Service:Port", "0"), new("Service:WarmWorkers", warmWorkers.ToString()),
            new("Service:Sandbox", sandbox.ToString()), new("Logging:LogLevel:Default", "Warning")]);
        _app.StartAsync().GetAwaiter().GetResult();
        Address = _app.Urls.Single();
    }

    public void Dispose()
    {
        _app.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)_app).Dispose();
    }
}
