using System.Reflection;
using CompilerGym.Core.Envs;

namespace CompilerGym.Core.Environments;

/// <summary>
/// The environments a process knows (Gymnasium's registry): each registered once, looked up by id
/// or by the benchmark it serves, made in process by <see cref="Make"/>. A benchmark no other
/// environment owns goes to the first registered, the default. Thread-safe.
/// </summary>
public sealed class EnvRegistry
{
    private readonly Lock _lock = new();
    private volatile EnvSpec[] _specs = [];

    public EnvRegistry(IEnumerable<EnvSpec> specs)
    {
        foreach (var spec in specs) Register(spec);
    }

    /// <summary>Every registered environment, the default first.</summary>
    public IReadOnlyList<EnvSpec> All => _specs;

    public IEnumerable<string> Ids => _specs.Select(s => s.Id);

    /// <summary>The environment for benchmarks no other one owns.</summary>
    public EnvSpec Default => _specs.Length > 0 ? _specs[0] : throw new InvalidOperationException("no environment is registered");

    /// <summary>Adds an environment; registering the same one again does nothing, another of a taken id is an error.</summary>
    public void Register(EnvSpec spec)
    {
        lock (_lock)
        {
            if (_specs.FirstOrDefault(s => s.Id == spec.Id) is { } known)
            {
                if (known.GetType() == spec.GetType()) return;
                throw new ArgumentException($"environment id '{spec.Id}' is taken by {known.GetType().FullName}");
            }
            _specs = [.. _specs, spec];
        }
    }

    /// <summary>
    /// Registers the environments an assembly declares with <see cref="EnvRegistrationAttribute"/>:
    /// how a host (the service and its workers) takes environments built outside this repository.
    /// </summary>
    public void RegisterFrom(Assembly assembly)
    {
        var declared = assembly.GetCustomAttributes<EnvRegistrationAttribute>().ToList();
        if (declared.Count == 0) throw new ArgumentException($"{assembly.GetName().Name} declares no environment ([assembly: EnvRegistration(typeof(...))])");
        foreach (var registration in declared) Register(registration.Create());
    }

    /// <summary>Loads an assembly from its path and registers what it declares.</summary>
    public void RegisterFrom(string assemblyPath) => RegisterFrom(Assembly.LoadFrom(Path.GetFullPath(assemblyPath)));

    public EnvSpec Spec(string id) => _specs.FirstOrDefault(s => s.Id == id)
        ?? throw new ArgumentException($"unknown environment '{id}' (known: {string.Join(", ", Ids)})");

    public bool Contains(string id) => _specs.Any(s => s.Id == id);

    /// <summary>The environment that serves a benchmark.</summary>
    public EnvSpec For(string benchmark) => _specs.Skip(1).FirstOrDefault(s => s.Owns(benchmark)) ?? Default;

    /// <summary>The one environment that serves all the benchmarks (the default for none); a mix is an error.</summary>
    public EnvSpec For(IEnumerable<string> benchmarks)
    {
        var specs = benchmarks.Select(For).Distinct().ToList();
        return specs.Count switch
        {
            0 => Default,
            1 => specs[0],
            _ => throw new ArgumentException($"the benchmarks mix environments ({string.Join(", ", specs.Select(s => s.Id))}); give one kind at a time"),
        };
    }

    /// <summary>Makes an environment in process by id (Gymnasium's <c>make</c>).</summary>
    public ICompilerEnv Make(string id, EnvSettings? settings = null) => Spec(id).Make(settings ?? new EnvSettings());
}

/// <summary>Declares an environment of an assembly, for <see cref="EnvRegistry.RegisterFrom(Assembly)"/>; the type needs a public parameterless constructor.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class EnvRegistrationAttribute(Type spec) : Attribute
{
    public Type Spec { get; } = spec;

    public EnvSpec Create() => Activator.CreateInstance(Spec) as EnvSpec
        ?? throw new ArgumentException($"{Spec.FullName} is not an {nameof(EnvSpec)}");
}
