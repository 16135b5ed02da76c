namespace CompilerGym.Core.Envs;

/// <summary>
/// Several environments stepped together, one action each: in threads of this process
/// (<see cref="ThreadedEnvBatch"/>) or in one call to a server (the client's <c>RemoteVectorEnv</c>).
/// Resets, observations and states go to each of <see cref="Envs"/> as to any env.
/// </summary>
public interface IEnvBatch : IDisposable
{
    IReadOnlyList<ICompilerEnv> Envs { get; }

    /// <summary>
    /// Applies actions[i] in env i, with the same options for each; results are in env order, null
    /// where the action does not apply (that env is unchanged), as <see cref="EnvSteps.TryStep"/>.
    /// </summary>
    StepResult?[] TryStep(IReadOnlyList<int> actions, StepOptions? options = null);
}

/// <summary>Environments of this process stepped together, each step in a thread of its own so the compiler works on all cores.</summary>
public sealed class ThreadedEnvBatch : IEnvBatch
{
    private readonly ICompilerEnv[] _envs;

    public ThreadedEnvBatch(Func<ICompilerEnv> createEnv, int count)
    {
        _envs = new ICompilerEnv[count];
        try
        {
            for (int i = 0; i < count; i++) _envs[i] = createEnv();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyList<ICompilerEnv> Envs => _envs;

    public StepResult?[] TryStep(IReadOnlyList<int> actions, StepOptions? options = null)
    {
        EnvBatches.CheckCount(actions, _envs.Length);
        var results = new StepResult?[_envs.Length];
        Parallel.For(0, _envs.Length, i => results[i] = _envs[i].TryStep(actions[i], options));
        return results;
    }

    public void Dispose()
    {
        foreach (var env in _envs) env?.Dispose();
    }
}

public static class EnvBatches
{
    /// <summary>Throws unless there is one action per env.</summary>
    public static void CheckCount(IReadOnlyList<int> actions, int envs)
    {
        if (actions.Count != envs) throw new ArgumentException($"{actions.Count} actions for {envs} environments: give one per environment");
    }
}
