using CompilerGym.Service.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CompilerGym.Service.Sessions;

/// <summary>Reclaims idle and abandoned sessions on a timer, so the server's memory stays bounded.</summary>
public sealed class SessionReaper(SessionManager sessions, IOptions<ServiceOptions> options, ILogger<SessionReaper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ReapIntervalSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                int reaped = await sessions.ReapAsync();
                if (reaped > 0) logger.LogInformation("reclaimed {Count} sessions; {Live} remain", reaped, sessions.Count);
            }
        }
        catch (OperationCanceledException) { } // shutdown
    }
}
