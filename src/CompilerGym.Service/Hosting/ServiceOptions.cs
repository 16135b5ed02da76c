using System.ComponentModel.DataAnnotations;

namespace CompilerGym.Service.Hosting;

/// <summary>
/// The service's settings, bound from the configuration section <c>Service</c>. Each range is an
/// annotation whose message names the setting as it is configured (<c>{0}</c> is the property).
/// </summary>
public sealed class ServiceOptions
{
    public const string Section = "Service";

    private const string Positive = $"{Section}:{{0}} must be positive";
    private const string FromTo = $"{Section}:{{0}} must be {{1}} to {{2}}";

    /// <summary>The address to listen on. Anything but loopback needs <see cref="Token"/> or <see cref="TokenFile"/>.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>0 picks a free port (printed at start-up).</summary>
    [Range(0, 65535, ErrorMessage = FromTo)]
    public int Port { get; set; } = 50051;

    /// <summary>
    /// The token every call must carry as <c>authorization: Bearer TOKEN</c>. Without it, the token is
    /// the one in <see cref="TokenFile"/>.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>
    /// The file holding the token, made with a random one if absent; by default the user's token file
    /// (<see cref="Protocol.TokenFile"/>), which clients on this machine find themselves.
    /// </summary>
    public string? TokenFile { get; set; }

    /// <summary>A PFX or PEM certificate: when set, the service speaks TLS.</summary>
    public string? CertificatePath { get; set; }
    public string? CertificateKeyPath { get; set; }
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// A step (or a state request, a fork) that runs longer is stopped, and the session restored
    /// without it. The actions a client gives to StartSession, and a validation's replay of a state's
    /// actions with its check, are each held to it too, as one step.
    /// </summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true, ErrorMessage = Positive)]
    public double StepTimeLimitSeconds { get; set; } = 60;

    /// <summary>
    /// The limit for building a program: starting (before the actions given) and resetting sessions,
    /// validating (before the replay), checking uploads; and for restoring a session, which replays
    /// a history whose every step already ran within the step limit.
    /// </summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true, ErrorMessage = Positive)]
    public double SetupTimeLimitSeconds { get; set; } = 600;

    /// <summary>A worker whose resident memory passes this is stopped.</summary>
    [Range(1, int.MaxValue, ErrorMessage = Positive)]
    public int WorkerMemoryLimitMiB { get; set; } = 8192;

    /// <summary>Workers started ahead of need, so that new sessions do not wait for a process to start.</summary>
    [Range(0, int.MaxValue, ErrorMessage = $"{Section}:{{0}} must be 0 or more")]
    public int WarmWorkers { get; set; } = 2;

    [Range(1, int.MaxValue, ErrorMessage = Positive)]
    public int MaxSessions { get; set; } = 256;

    /// <summary>Sessions unused for this long are ended.</summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true, ErrorMessage = Positive)]
    public double IdleTimeoutSeconds { get; set; } = 900;

    /// <summary>Sessions whose client connection has closed are ended after this long, unless used from another connection.</summary>
    [Range(0d, double.MaxValue, MinimumIsExclusive = true, ErrorMessage = Positive)]
    public double OrphanTimeoutSeconds { get; set; } = 60;

    [Range(0d, double.MaxValue, MinimumIsExclusive = true, ErrorMessage = Positive)]
    public double ReapIntervalSeconds { get; set; } = 5;

    /// <summary>Requests larger than this are refused (program uploads are the large ones).</summary>
    [Range(1, 2047, ErrorMessage = FromTo)]
    public int MaxMessageMiB { get; set; } = 64;

    /// <summary>
    /// Whether sessions may name files and folders on the server's machine: as benchmarks, and in
    /// the options of custom actions (a pass option such as <c>transform-library-paths=</c> or
    /// <c>profile-filename=</c> reads a file). By default only when listening on loopback: remote
    /// clients upload programs instead.
    /// </summary>
    public bool? AllowFileBenchmarks { get; set; }

    /// <summary>
    /// Whether workers, and the compilers and programs they start, run confined (see
    /// <c>Sandboxing/Sandbox</c>). Off, they run as the service's own user, with its view of the machine.
    /// </summary>
    public bool Sandbox { get; set; } = true;

    /// <summary>Where uploaded programs are kept; by default under the benchmark cache.</summary>
    public string? UserBenchmarkDirectory { get; set; }

    /// <summary>The total size of the uploaded programs the server keeps: an upload that would pass it is refused.</summary>
    [Range(0, int.MaxValue, ErrorMessage = $"{Section}:{{0}} must be 0 or more")]
    public int MaxUploadMiB { get; set; } = 1024;

    /// <summary>
    /// Assemblies of environments built outside this repository, each declaring its environments
    /// with <c>[assembly: EnvRegistration(typeof(...))]</c>: the service and its workers register them
    /// beside the built-in ones.
    /// </summary>
    public string[] EnvironmentAssemblies { get; set; } = [];

    public TimeSpan StepTimeLimit => TimeSpan.FromSeconds(StepTimeLimitSeconds);
    public TimeSpan SetupTimeLimit => TimeSpan.FromSeconds(SetupTimeLimitSeconds);
    public long WorkerMemoryLimitBytes => (long)WorkerMemoryLimitMiB << 20;
    public long MaxUploadBytes => (long)MaxUploadMiB << 20;
}
