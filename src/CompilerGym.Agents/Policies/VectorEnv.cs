using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;

namespace CompilerGym.Agents.Policies;

/// <summary>What the policy sees of a state: its features, and the logit mask of the actions that cannot apply (null: all can).</summary>
public sealed record PolicyInput(float[] Features, float[]? LogitMask);

/// <summary>
/// Several environments stepped together, each in its own session and its own thread for the
/// step, so the compiler works on all cores. Each keeps its episode's actions and returns the
/// <see cref="Features"/> of its state. An action that does not apply (mlir-v0) is a wasted step:
/// reward 0, the program unchanged. Results are in env order whatever the threads do.
/// </summary>
public sealed class VectorEnv : IDisposable
{
    private readonly ICompilerEnv[] _envs;
    private readonly List<int>[] _histories;
    private readonly int _episodeLength;

    public VectorEnv(Func<ICompilerEnv> createEnv, int count, int episodeLength)
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
        _histories = [.. Enumerable.Range(0, count).Select(_ => new List<int>(episodeLength))];
        _episodeLength = episodeLength;
        Features = StateFeatures.For(_envs[0]);
        Masked = StateFeatures.HasMask(_envs[0]);
    }

    public IStateFeatures Features { get; }

    /// <summary>Whether the envs mask the actions that cannot apply (every input then has a logit mask).</summary>
    public bool Masked { get; }

    /// <summary>The length of the envs' feature vectors with an action space of <paramref name="actions"/> actions.</summary>
    public int FeatureSize(int actions) => Features.Size(_envs[0], actions);

    public int Count => _envs.Length;

    /// <summary>One of the action spaces the envs offer, by name.</summary>
    public Space ActionSpace(string name) => _envs[0].ActionSpaces.FirstOrDefault(s => s.Name == name)
        ?? throw new UnknownNameException($"the environment has no action space '{name}'");

    /// <summary>Starts an episode in env i on benchmarks[i]; returns what each env's policy sees.</summary>
    public PolicyInput[] Reset(IReadOnlyList<string> benchmarks, ResetOptions options)
    {
        var inputs = new PolicyInput[_envs.Length];
        Parallel.For(0, _envs.Length, i =>
        {
            _envs[i].Reset(benchmarks[i], options);
            _histories[i].Clear();
            inputs[i] = Input(i);
        });
        return inputs;
    }

    /// <summary>Applies actions[i] in env i; returns each env's reward and what its policy sees next.</summary>
    public (double[] Rewards, PolicyInput[] Inputs) Step(IReadOnlyList<int> actions)
    {
        var rewards = new double[_envs.Length];
        var inputs = new PolicyInput[_envs.Length];
        Parallel.For(0, _envs.Length, i =>
        {
            var step = _envs[i].TryStep(actions[i]);
            rewards[i] = step is null ? 0 : step.Reward ?? throw new InvalidOperationException("the env has no reward space");
            _histories[i].Add(actions[i]);
            inputs[i] = Input(i);
        });
        return (rewards, inputs);
    }

    private PolicyInput Input(int i) =>
        new(Features.Encode(_envs[i], _histories[i], _episodeLength), StateFeatures.LogitMask(_envs[i]));

    public void Dispose()
    {
        foreach (var env in _envs) env?.Dispose();
    }
}
