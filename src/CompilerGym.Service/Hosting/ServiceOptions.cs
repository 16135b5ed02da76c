namespace CompilerGym.Service.Hosting;

/// <summary>The service's settings, bound from the configuration section <c>Service</c>.</summary>
public sealed class ServiceOptions
{
    public const string Section = "Service";

    /// <summary>The address to listen on. Anything but loopback needs <see cref="Token"/>.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>0 picks a free port (printed at start-up).</summary>
    public int Port { get; set; } = 50051;

    /// <summary>When set, every call must carry <c>authorization: Bearer TOKEN</c>.</summary>
    public string? Token { get; set; }

    /// <summary>A PFX or PEM certificate: when set, the service speaks TLS.</summary>
    public string? CertificatePath { get; set; }
    public string? CertificateKeyPath { get; set; }
    public string? CertificatePassword { get; set; }

    /// <summary>A step (or a state request) that runs longer is stopped, and the session restored without it.</summary>
    public double StepTimeLimitSeconds { get; set; } = 60;

    /// <summary>
    /// The limit for what may build a program or replay a history: starting, resetting, forking and
    /// restoring sessions, validations and uploads.
    /// </summary>
    public double SetupTimeLimitSeconds { get; set; } = 600;

    /// <summary>A worker whose resident memory passes this is stopped.</summary>
    public int WorkerMemoryLimitMiB { get; set; } = 8192;

    /// <summary>Workers started ahead of need, so that new sessions do not wait for a process to start.</summary>
    public int WarmWorkers { get; set; } = 2;

    public int MaxSessions { get; set; } = 256;

    /// <summary>Sessions unused for this long are ended.</summary>
    public double IdleTimeoutSeconds { get; set; } = 900;

    /// <summary>Sessions whose client connection has closed are ended after this long, unless used from another connection.</summary>
    public double OrphanTimeoutSeconds { get; set; } = 60;

    public double ReapIntervalSeconds { get; set; } = 5;

    /// <summary>Requests larger than this are refused (program uploads are the large ones).</summary>
    public int MaxMessageMiB { get; set; } = 64;

    /// <summary>
    /// Whether sessions may name files and folders on the server's machine: as benchmarks, and in
    /// the options of custom actions (a pass option such as <c>transform-library-paths=</c> or
    /// <c>profile-filename=</c> reads a file). By default only when listening on loopback: remote
    /// clients upload programs instead.
    /// </summary>
    public bool? AllowFileBenchmarks { get; set; }

    /// <summary>Where uploaded programs are kept; by default under the benchmark cache.</summary>
    public string? UserBenchmarkDirectory { get; set; }

    /// <summary>
    /// Assemblies of environments built outside this repository, each declaring its environments
    /// with <c>[assembly: EnvRegistration(typeof(...))]</c>: the service and its workers register them
    /// beside the built-in ones.
    /// </summary>
    public string[] EnvironmentAssemblies { get; set; } = [];

    /// <summary>Throws an InvalidOperationException naming the first setting out of range.</summary>
    public void Check()
    {
        void Require(bool ok, string setting, string range)
        {
            if (!ok) throw new InvalidOperationException($"{Section}:{setting} must be {range}");
        }
        Require(Port is >= 0 and <= 65535, nameof(Port), "0 to 65535");
        Require(StepTimeLimitSeconds > 0, nameof(StepTimeLimitSeconds), "positive");
        Require(SetupTimeLimitSeconds > 0, nameof(SetupTimeLimitSeconds), "positive");
        Require(WorkerMemoryLimitMiB > 0, nameof(WorkerMemoryLimitMiB), "positive");
        Require(WarmWorkers >= 0, nameof(WarmWorkers), "0 or more");
        Require(MaxSessions > 0, nameof(MaxSessions), "positive");
        Require(IdleTimeoutSeconds > 0 && OrphanTimeoutSeconds > 0 && ReapIntervalSeconds > 0, "IdleTimeoutSeconds, OrphanTimeoutSeconds and ReapIntervalSeconds", "positive");
        Require(MaxMessageMiB is > 0 and <= 2047, nameof(MaxMessageMiB), "1 to 2047");
    }

    public TimeSpan StepTimeLimit => TimeSpan.FromSeconds(StepTimeLimitSeconds);
    public TimeSpan SetupTimeLimit => TimeSpan.FromSeconds(SetupTimeLimitSeconds);
    public long WorkerMemoryLimitBytes => (long)WorkerMemoryLimitMiB << 20;
}
