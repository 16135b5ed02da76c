using CompilerGym.Client;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;

namespace CompilerGym.Environments;

/// <summary>
/// Where an environment runs: in this process, or on a server when <see cref="Remote"/> is set
/// (for example from <c>--remote</c> or the <c>CGYM_REMOTE</c> environment variable).
/// </summary>
public sealed record EnvOptions(string? Remote = null, string? Token = null, string? ActionSpace = null,
    string? ObservationSpace = null, string? RewardSpace = null, string? Environment = null)
{
    /// <summary>The options the environment variables CGYM_REMOTE and CGYM_TOKEN give.</summary>
    public static EnvOptions FromEnvironment() =>
        new(NonEmpty(System.Environment.GetEnvironmentVariable("CGYM_REMOTE")), NonEmpty(System.Environment.GetEnvironmentVariable("CGYM_TOKEN")));

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>Makes the in-process (from the registry) or the remote environment; agents see only <see cref="ICompilerEnv"/>.</summary>
public static class EnvFactory
{
    public static ICompilerEnv Create(EnvOptions options, EnvRegistry? registry = null)
    {
        registry ??= Registrations.Default;
        string environment = options.Environment is { Length: > 0 } id ? id : registry.Default.Id;
        if (options.Remote is { Length: > 0 } address)
            return new RemoteEnv(address, options.Token, options.ActionSpace, options.ObservationSpace, options.RewardSpace, options.Environment);
        return registry.Make(environment, new EnvSettings(options.ActionSpace, options.ObservationSpace, options.RewardSpace));
    }

    /// <summary>
    /// <paramref name="count"/> envs stepped together: in threads of this process, or on the server
    /// by one call per step for them all.
    /// </summary>
    public static IEnvBatch CreateBatch(EnvOptions options, int count, EnvRegistry? registry = null) =>
        options.Remote is { Length: > 0 } address
            ? new RemoteVectorEnv(address, count, options.Token, options.ActionSpace, options.ObservationSpace, options.RewardSpace, options.Environment)
            : new ThreadedEnvBatch(() => Create(options, registry), count);
}
