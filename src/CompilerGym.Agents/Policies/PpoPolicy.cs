using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;
using static TorchSharp.torch;

namespace CompilerGym.Agents.Policies;

/// <summary>
/// A trained PPO actor as an <see cref="IActionPolicy"/>: loads a checkpoint folder and gives the
/// actor's softmax over the actions for the env's state, with the features it was trained on
/// (histories longer than the training episodes are extrapolated from).
/// </summary>
public sealed class PpoPolicy : IActionPolicy, IDisposable
{
    private readonly ActorCritic _model;
    private readonly IStateFeatures _features;
    private Space? _checkedSpace;

    private PpoPolicy(PpoCheckpoint checkpoint, ActorCritic model)
    {
        Checkpoint = checkpoint;
        _features = StateFeatures.Named(checkpoint.Features);
        _model = model;
        _model.eval();
    }

    public static PpoPolicy Load(string folder)
    {
        var checkpoint = PpoCheckpoint.Load(folder);
        return new PpoPolicy(checkpoint, checkpoint.LoadModel(folder));
    }

    public PpoCheckpoint Checkpoint { get; }

    public string ActionSpace => Checkpoint.ActionSpace;

    /// <summary>The episode length the policy was trained for.</summary>
    public int EpisodeLength => Checkpoint.Options.EpisodeLength;

    public double[] ActionProbabilities(ICompilerEnv env, IReadOnlyList<int> history)
    {
        // An env keeps its space object for an episode, so the names are compared once per space.
        if (!ReferenceEquals(env.ActionSpace, _checkedSpace))
        {
            if (env.ActionSpace.Name != ActionSpace || !(env.ActionSpace.Names ?? []).SequenceEqual(Checkpoint.Actions))
                throw new ArgumentException($"the policy was trained on action space '{ActionSpace}' ({Checkpoint.Actions.Count} actions); the env has '{env.ActionSpace.Name}' ({env.ActionSpace.N})");
            _checkedSpace = env.ActionSpace;
        }
        var features = _features.Encode(env, history, EpisodeLength);
        if (features.Length != Checkpoint.FeatureSize)
            throw new ArgumentException($"the policy was trained on {Checkpoint.FeatureSize} features; the env gives {features.Length} ({Checkpoint.Features})");
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = _model.Logits(tensor(features, [1, features.Length]));
        if (StateFeatures.LogitMask(env) is { } mask) logits += tensor(mask, [1, mask.Length]);
        return [.. nn.functional.softmax(logits, 1).to(ScalarType.Float64).data<double>()];
    }

    public void Dispose() => _model.Dispose();
}
