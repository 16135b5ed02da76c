using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CompilerGym.Service.Cluster;

/// <summary>
/// A redis-server of this machine (Debian's <c>redis-server</c>) on a free loopback port, keeping
/// nothing on disk, stopped at disposal: the Redis of a cluster tried on one machine.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private static readonly TimeSpan s_startTime = TimeSpan.FromSeconds(20);

    private readonly Process _process;

    public RedisServer()
    {
        Port = FreePort();
        // A session of its own, so that Ctrl+C in a terminal does not stop it before the silos that
        // still need it: the owner stops it last.
        var info = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in (string[])["redis-server", "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            info.ArgumentList.Add(a);
        _process = Process.Start(info)!;
        _process.BeginOutputReadLine();
        // Ready once it accepts a connection.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                break;
            }
            catch (SocketException) when (deadline.Elapsed < s_startTime && !_process.HasExited)
            {
                Thread.Sleep(50);
            }
            catch (SocketException)
            {
                string why = _process.HasExited ? $"ended with exit code {_process.ExitCode} (apt-get install redis-server)" : $"did not listen within {s_startTime.TotalSeconds} s";
                Dispose();
                throw new InvalidOperationException($"redis-server on port {Port} {why}");
            }
        }
    }

    public int Port { get; }

    /// <summary>The redis-server's process id.</summary>
    public int Id => _process.Id;

    /// <summary>The StackExchange.Redis configuration string that reaches it.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>A port no one listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        // Nothing to save: it may end at once.
        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
    }
}
