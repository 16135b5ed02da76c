using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using CompilerGym.Protocol.Worker;
using Microsoft.Extensions.Logging;

namespace CompilerGym.Service.Workers;

/// <summary>
/// One <c>cgym-worker</c> process and the channel to it, shared by the sessions it hosts (a
/// session and its forks); calls take turns. A call that outlives its time limit, or during which
/// the process passes its memory limit, kills the process; so does disposal.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private const int StderrTailChars = 4096;
    private static readonly TimeSpan s_memoryPollInterval = TimeSpan.FromMilliseconds(100);

    private readonly Process _process;
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly StringBuilder _stderr = new();
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _turn = new(1, 1);
    // Replies, read by a thread of this worker's own: blocking reads on a pipe answer sooner than
    // asynchronous ones, which hop through the thread pool; null marks the end of the stream.
    private readonly Channel<WorkerReply?> _replies = Channel.CreateUnbounded<WorkerReply?>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = true });
    private WorkerFailure? _killedFor;
    private Microsoft.Win32.SafeHandles.SafeFileHandle? _status;
    private int _sessions;
    private int _calls;

    /// <summary>The worker's own process: in a sandbox, the innermost of the processes started.</summary>
    public int Pid { get; private set; }
    public string LlvmVersion { get; private set; } = "";
    public bool HasExited => _process.HasExited;

    /// <summary>What the worker may read beyond its own files; null when it is not confined.</summary>
    public IReadOnlyCollection<string>? Readable { get; private init; }

    /// <summary>Whether the worker can read every one of <paramref name="paths"/>.</summary>
    public bool CanRead(IEnumerable<string> paths) => Readable is null || paths.All(Readable.Contains);

    /// <summary>Set once a call found the process dead: its sessions must be rebuilt elsewhere.</summary>
    public bool Failed { get; private set; }

    /// <summary>Counts a session hosted here.</summary>
    public void Attach() => Interlocked.Increment(ref _sessions);

    /// <summary>Uncounts a session; returns how many remain.</summary>
    public int Detach() => Interlocked.Decrement(ref _sessions);

    /// <summary>How many sessions it hosts.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    private WorkerProcess(Process process, ILogger logger)
    {
        _process = process;
        _logger = logger;
        Pid = process.Id;
        _input = process.StandardInput.BaseStream;
        _output = process.StandardOutput.BaseStream;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            _logger.LogDebug("worker {Pid}: {Line}", Pid, e.Data);
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
                if (_stderr.Length > 2 * StderrTailChars) _stderr.Remove(0, _stderr.Length - StderrTailChars);
            }
        };
        process.BeginErrorReadLine();
        new Thread(ReadReplies) { IsBackground = true, Name = $"worker {Pid} replies" }.Start();
    }

    private void ReadReplies()
    {
        try
        {
            while (Framing.Read(_output, WorkerReply.Parser) is { } reply) _replies.Writer.TryWrite(reply);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException or Google.Protobuf.InvalidProtocolBufferException)
        {
            _logger.LogDebug("worker {Pid}: reply stream ended: {Error}", Pid, e.Message);
        }
        _replies.Writer.TryWrite(null);
        _replies.Writer.TryComplete();
    }

    /// <summary>Starts a worker and waits for it to say it is ready.</summary>
    public static async Task<WorkerProcess> StartAsync(WorkerLaunch launch, TimeSpan startLimit, ILogger logger)
    {
        var info = new ProcessStartInfo(launch.FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in launch.Arguments) info.ArgumentList.Add(argument);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {launch.FileName}");
        var worker = new WorkerProcess(process, logger) { Readable = launch.Confined ? launch.Readable : null };
        try
        {
            var ready = await worker.ReadAsync(startLimit);
            if (ready.KindCase != WorkerReply.KindOneofCase.Ready)
                throw new InvalidDataException($"worker {worker.Pid} began with {ready.KindCase}, not Ready");
            worker.LlvmVersion = ready.Ready.LlvmVersion;
            worker.Pid = Innermost(worker.Pid);
            if (worker.Pid != process.Id) worker._status = File.OpenHandle($"/proc/{worker.Pid}/stat");
            return worker;
        }
        catch
        {
            worker.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends one request and waits for its reply, within the limits. Once <paramref name="cancellation"/>
    /// fires, a request not yet sent is not sent (OperationCanceledException: nothing happened), and
    /// one being served is stopped with the process (WorkerFailure.Cancelled), as at its time limit.
    /// </summary>
    public async Task<WorkerReply> CallAsync(WorkerRequest request, TimeSpan timeLimit, long memoryLimitBytes, CancellationToken cancellation = default)
    {
        await _turn.WaitAsync(cancellation);
        try
        {
            if (Failed) throw new WorkerFailedException(WorkerFailure.Gone, "it had already stopped");
            cancellation.ThrowIfCancellationRequested();
            return await CallAloneAsync(request, timeLimit, memoryLimitBytes, cancellation);
        }
        catch (WorkerFailedException)
        {
            Failed = true;
            throw;
        }
        finally
        {
            _turn.Release();
        }
    }

    private async Task<WorkerReply> CallAloneAsync(WorkerRequest request, TimeSpan timeLimit, long memoryLimitBytes, CancellationToken cancellation)
    {
        // A worker that died while idle (killed by hand, or by the kernel short of memory) must not
        // be sent the request: a program it started may still hold its input open, so the write
        // would succeed and the request be blamed. The request is not to blame; a new worker can serve it.
        if (!Running()) throw new WorkerFailedException(WorkerFailure.Gone, $"it had stopped while idle ({await IdleExitStatusAsync()})");
        using var memoryWatch = new Timer(_ =>
        {
            if (ResidentBytes() > memoryLimitBytes) Kill(WorkerFailure.OutOfMemory);
        }, null, s_memoryPollInterval, s_memoryPollInterval);
        try
        {
            // Small requests fit the pipe's buffer: a plain write returns at once.
            Framing.Write(_input, request);
        }
        catch (IOException)
        {
            // It died since the check above, before reading the request.
            var failure = await FailureAsync();
            throw new WorkerFailedException(WorkerFailure.Gone, $"it had stopped while idle ({failure.Detail})");
        }
        long started = Stopwatch.GetTimestamp();
        var reply = await ReadAsync(timeLimit, cancellation);
        // A request can finish between two polls of the memory watch; reading /proc costs more than
        // a cheap step, so short requests are checked only now and then (they cannot grow much).
        if ((Stopwatch.GetElapsedTime(started) > s_memoryPollInterval / 50 || _calls++ % 16 == 0) && ResidentBytes() > memoryLimitBytes)
        {
            Kill(WorkerFailure.OutOfMemory);
            throw await FailureAsync();
        }
        return reply;
    }

    // In a sandbox, the worker's own process may be gone while the sandbox's, which hold its pipes,
    // end. Its /proc status, kept open, is read again at each call: one system call.
    private bool Running()
    {
        if (_process.HasExited) return false;
        if (_status is null) return true;
        Span<byte> stat = stackalloc byte[1024];
        try
        {
            stat = stat[..RandomAccess.Read(_status, stat, 0)];
            int state = stat.LastIndexOf((byte)')') + 2;
            return state > 1 && state < stat.Length && stat[state] != (byte)'Z';
        }
        catch (IOException) { return false; } // it has been reaped
    }

    private async Task<string> IdleExitStatusAsync()
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await _process.WaitForExitAsync(wait.Token); }
        catch (OperationCanceledException) { Kill(WorkerFailure.Gone); }
        return _process.HasExited ? ExitStatus(_process.ExitCode) : "did not exit";
    }

    /// <summary>The worker's resident set size, from /proc (0 once it has exited).</summary>
    public long ResidentBytes()
    {
        try
        {
            // statm: size resident shared ... in pages.
            string[] fields = File.ReadAllText($"/proc/{Pid}/statm").Split(' ');
            return long.Parse(fields[1]) * Environment.SystemPageSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    // A sandbox starts the worker as a child of its own processes, one below the other.
    private static int Innermost(int pid)
    {
        while (true)
        {
            string children;
            try { children = File.ReadAllText($"/proc/{pid}/task/{pid}/children"); }
            catch (IOException) { return pid; }
            var ids = children.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (ids.Length != 1) return pid;
            pid = int.Parse(ids[0]);
        }
    }

    public void Dispose()
    {
        _status?.Dispose();
        if (!_process.HasExited)
        {
            try { _process.Kill(entireProcessTree: true); }
            catch (InvalidOperationException) { } // it exited meanwhile
        }
        _process.Dispose();
    }

    private async Task<WorkerReply> ReadAsync(TimeSpan timeLimit, CancellationToken cancellation = default)
    {
        // On time-out or cancellation the process is killed, which ends the read with end-of-stream.
        using var deadline = new CancellationTokenSource(timeLimit);
        using var onDeadline = deadline.Token.Register(() => Kill(WorkerFailure.TimedOut));
        using var onCancel = cancellation.Register(() => Kill(WorkerFailure.Cancelled));
        WorkerReply? reply = null;
        if (await _replies.Reader.WaitToReadAsync()) _replies.Reader.TryRead(out reply);
        // A reply that raced the kill still counts as a failure: the process is gone either way, and
        // the next request must not be blamed for it.
        return reply is not null && _killedFor is null ? reply : throw await FailureAsync();
    }

    private void Kill(WorkerFailure reason)
    {
        _killedFor ??= reason;
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    private async Task<WorkerFailedException> FailureAsync()
    {
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try { await _process.WaitForExitAsync(wait.Token); }
            catch (OperationCanceledException) { Kill(WorkerFailure.Crashed); }
        }
        string tail;
        lock (_stderr) tail = _stderr.ToString().Trim();
        var failure = _killedFor ?? WorkerFailure.Crashed;
        string status = _process.HasExited ? ExitStatus(_process.ExitCode) : "did not exit";
        string detail = failure == WorkerFailure.Crashed && tail.Length > 0 ? $"{LastLines(tail)} ({status})" : status;
        return new WorkerFailedException(failure, detail);
    }

    // .NET reports a process ended by signal N as exit code 128 + N.
    private static string ExitStatus(int code) => code > 128 && code < 160 ? $"signal {code - 128}" : $"exit code {code}";

    // LLVM's fatal-error handler prints the reason and what was running on the last lines.
    private static string LastLines(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int fatal = Array.FindLastIndex(lines, l => l.StartsWith("LLVM fatal error", StringComparison.Ordinal) || l.StartsWith("LLVM ERROR", StringComparison.Ordinal));
        var chosen = fatal >= 0 ? lines[fatal..Math.Min(lines.Length, fatal + 2)] : lines[Math.Max(0, lines.Length - 2)..];
        string joined = string.Join(" ", chosen);
        return joined.Length <= 600 ? joined : joined[..600] + "...";
    }
}

/// <summary>
/// How to start a worker: the program, its arguments, the paths it needs to read, and whether it
/// is confined to them.
/// </summary>
public sealed record WorkerLaunch(string FileName, IReadOnlyList<string> Arguments, IReadOnlyList<string> Readable, bool Confined = false)
{
    public const string WorkerAssembly = "cgym-worker.dll";

    /// <summary>The worker beside this assembly, run by the dotnet host that runs this process, with the service's uploads and extra environments.</summary>
    public static WorkerLaunch Beside(string userBenchmarkDirectory, IEnumerable<string> environmentAssemblies)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, WorkerAssembly);
        if (!File.Exists(dll)) throw new FileNotFoundException($"the worker {WorkerAssembly} is not beside the service in {AppContext.BaseDirectory}", dll);
        string host = DotnetHost();
        string[] assemblies = [.. environmentAssemblies.Select(Path.GetFullPath)];
        return new WorkerLaunch(host, [dll, "--user-benchmarks", userBenchmarkDirectory, .. assemblies.SelectMany(a => new[] { "--environments", a })],
            [AppContext.BaseDirectory, Path.GetDirectoryName(RealPath(host))!, userBenchmarkDirectory, .. assemblies.Select(a => Path.GetDirectoryName(a)!)]);
    }

    // A host named without a folder is found on PATH, which is /usr/bin on Debian.
    private static string RealPath(string file) => !Path.IsPathRooted(file) ? "/usr/bin/" + file
        : File.ResolveLinkTarget(file, returnFinalTarget: true)?.FullName ?? file;

    private static string DotnetHost()
    {
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        string? sdkHost = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (File.Exists(sdkHost)) return sdkHost;
        string? root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        return root is not null && File.Exists(Path.Combine(root, "dotnet")) ? Path.Combine(root, "dotnet") : "dotnet";
    }
}
