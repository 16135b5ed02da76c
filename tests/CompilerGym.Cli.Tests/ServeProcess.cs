using System.Diagnostics;

namespace CompilerGym.Cli.Tests;

/// <summary>A <c>cgym serve</c> process on a free loopback port, stopped with its workers at disposal.</summary>
internal sealed class ServeProcess : IDisposable
{
    private const string Listening = "cgym serve: listening on ", TokenIn = "cgym serve: calls need the token in ";
    private static readonly TimeSpan s_startTime = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly System.Text.StringBuilder _errors = new();

    /// <summary>Starts the server and reads its address and token file from its first lines.</summary>
    public ServeProcess(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])[CgymProcess.Dll, "serve", "--port", "0", .. args]) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment) info.Environment[name] = value;
        _process = Process.Start(info)!;
        _process.ErrorDataReceived += (_, e) => { lock (_errors) _errors.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
        try
        {
            while (Address == "" || TokenFile == "")
            {
                string line = _process.StandardOutput.ReadLineAsync().WaitAsync(s_startTime).GetAwaiter().GetResult()
                    ?? throw new InvalidOperationException($"cgym serve ended before it listened: {Log}");
                if (line.StartsWith(Listening)) Address = line[Listening.Length..];
                if (line.StartsWith(TokenIn)) TokenFile = line[TokenIn.Length..];
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>What the server has logged so far (its standard error).</summary>
    public string Log
    {
        get { lock (_errors) return _errors.ToString(); }
    }

    public string Address { get; } = "";
    public string TokenFile { get; } = "";
    public int Id => _process.Id;

    public void Dispose()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }
}
