using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CompilerGym.Cli.Commands;

/// <summary>
/// A silo of <c>cgym cluster up</c>: a <c>cgym serve --cluster</c> child process, run by the same
/// dotnet host and cgym as this one, its log passed on to standard error under its number.
/// </summary>
internal sealed class SiloProcess : IDisposable
{
    /// <summary>How long a silo may take to stop (handing its sessions over) before it is killed.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);

    private const string Listening = "cgym serve: listening on ";
    private const int SigTerm = 15;
    private static readonly TimeSpan s_startTime = TimeSpan.FromMinutes(2);

    // Run as `dotnet cgym.dll`, the silos are too; run as the cgym executable, they are that.
    private static readonly string[] s_cgym = Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet"
        ? [typeof(SiloProcess).Assembly.Location] : [];

    private readonly Process _process;

    private SiloProcess(Process process, int siloPort, string address)
    {
        _process = process;
        SiloPort = siloPort;
        Address = address;
    }

    /// <summary>The silo's gRPC address, a gateway to every session of the cluster.</summary>
    public string Address { get; }
    public int SiloPort { get; }
    public int Id => _process.Id;

    /// <summary>Starts silo <paramref name="index"/> and waits until it listens; a silo that fails is stopped, and said so.</summary>
    public static async Task<SiloProcess> StartAsync(int index, string redis, string clusterId, CancellationToken cancellation)
    {
        int siloPort = Service.Cluster.RedisServer.FreePort();
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])[.. s_cgym, ServeCommand.Name, "--port", "0", "--cluster", redis, "--cluster-id", clusterId, "--silo-port", siloPort.ToString()])
            info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        var listening = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) listening.TrySetResult(null);
            else if (e.Data.StartsWith(Listening, StringComparison.Ordinal)) listening.TrySetResult(e.Data[Listening.Length..]);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"silo {index}: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string? address = null;
        try
        {
            address = await listening.Task.WaitAsync(s_startTime, cancellation);
        }
        catch (TimeoutException) { } // said below, as for a silo that ended
        finally
        {
            if (address is null)
            {
                await KillAsync(process);
                process.Dispose();
            }
        }
        return address is not null ? new SiloProcess(process, siloPort, address)
            : throw new InvalidOperationException($"silo {index} did not start (its log is above, under 'silo {index}:')");
    }

    /// <summary>SIGTERM, as an operator's stop; killed, with its workers, if it has not stopped within <see cref="StopGrace"/>.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited) _ = Kill(_process.Id, SigTerm);
        using var grace = new CancellationTokenSource(StopGrace);
        try { await _process.WaitForExitAsync(grace.Token); }
        catch (OperationCanceledException) { await KillAsync(_process); }
    }

    public void Dispose() => _process.Dispose();

    private static async Task KillAsync(Process process)
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
