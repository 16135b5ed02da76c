using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;

namespace CompilerGym.Agents.Policies;

/// <summary>What the policy sees of a state: its features, and the logit mask of the actions that cannot apply (null: all can).</summary>
public sealed record PolicyInput(float[] Features, float[]? LogitMask);

/// <summary>
/// Several environments stepped together through a batch (<see cref="IEnvBatch"/>: threads of
/// this process, or one call to a server per step), each in its own session. A step asks for the
/// observations the features are made of with the step, so a remote batch needs no further call.
/// Each env keeps its episode's actions and returns the <see cref="Features"/> of its state. An
/// action that does not apply (mlir-v0) is a wasted step: reward 0, the program unchanged.
/// Results are in env order whatever the threads do.
/// </summary>
public sealed class VectorEnv : IDisposable
{
    private readonly IEnvBatch _batch;
    private readonly IReadOnlyList<ICompilerEnv> _envs;
    private readonly List<int>[] _histories;
    private readonly int _episodeLength;
    private readonly StepOptions _observed;

    public VectorEnv(Func<ICompilerEnv> createEnv, int count, int episodeLength)
        : this(new ThreadedEnvBatch(createEnv, count), episodeLength)
    {
    }

    /// <summary>Takes the batch, and disposes of it with itself.</summary>
    public VectorEnv(IEnvBatch batch, int episodeLength)
    {
        _batch = batch;
        _envs = batch.Envs;
        _histories = [.. Enumerable.Range(0, _envs.Count).Select(_ => new List<int>(episodeLength))];
        _episodeLength = episodeLength;
        Features = StateFeatures.For(_envs[0]);
        Masked = StateFeatures.HasMask(_envs[0]);
        _observed = new StepOptions([.. Features.Observations, .. Masked ? [StateFeatures.ActionMaskSpace] : Array.Empty<string>()]);
    }

    public IStateFeatures Features { get; }

    /// <summary>Whether the envs mask the actions that cannot apply (every input then has a logit mask).</summary>
    public bool Masked { get; }

    /// <summary>The length of the envs' feature vectors with an action space of <paramref name="actions"/> actions.</summary>
    public int FeatureSize(int actions) => Features.Size(_envs[0], actions);

    public int Count => _envs.Count;

    /// <summary>One of the action spaces the envs offer, by name.</summary>
    public Space ActionSpace(string name) => _envs[0].ActionSpaces.FirstOrDefault(s => s.Name == name)
        ?? throw new UnknownNameException($"the environment has no action space '{name}'");

    /// <summary>Starts an episode in env i on benchmarks[i]; returns what each env's policy sees.</summary>
    public PolicyInput[] Reset(IReadOnlyList<string> benchmarks, ResetOptions options)
    {
        var inputs = new PolicyInput[_envs.Count];
        Parallel.For(0, _envs.Count, i =>
        {
            _envs[i].Reset(benchmarks[i], options);
            _histories[i].Clear();
            inputs[i] = Input(i, _envs[i].Observe);
        });
        return inputs;
    }

    /// <summary>Applies actions[i] in env i; returns each env's reward and what its policy sees next.</summary>
    public (double[] Rewards, PolicyInput[] Inputs) Step(IReadOnlyList<int> actions)
    {
        var steps = _batch.TryStep(actions, _observed);
        var rewards = new double[_envs.Count];
        var inputs = new PolicyInput[_envs.Count];
        // A wasted step brought no observations: its env is asked, as after a reset.
        Parallel.For(0, _envs.Count, i =>
        {
            var step = steps[i];
            rewards[i] = step is null ? 0 : step.Reward ?? throw new InvalidOperationException("the env has no reward space");
            _histories[i].Add(actions[i]);
            inputs[i] = Input(i, step is null ? _envs[i].Observe : name => step.Info.Observations[name]);
        });
        return (rewards, inputs);
    }

    private PolicyInput Input(int i, Func<string, Observation> observe) =>
        new(Features.Encode(_envs[i], observe, _histories[i], _episodeLength), StateFeatures.LogitMask(_envs[i], observe));

    public void Dispose() => _batch.Dispose();
}
