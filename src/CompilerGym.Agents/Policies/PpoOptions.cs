using System.Text.Json.Serialization;

namespace CompilerGym.Agents.Policies;

/// <summary>
/// Every hyperparameter of <see cref="Ppo"/>, with defaults sized for a 2-core machine: a run of
/// a few hundred thousand steps takes tens of minutes. Saved with each checkpoint, so a resumed
/// run and a loaded policy use the same settings.
/// </summary>
public sealed record PpoOptions
{
    /// <summary>Seeds the network's initial weights, action sampling, minibatch order and benchmark order.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Environment steps to train for, over all environments.</summary>
    public long TotalSteps { get; init; } = 360_000;

    public string ActionSpace { get; init; } = "llvm-22-passes";
    public string RewardSpace { get; init; } = "IrInstructionCountOz";

    /// <summary>Steps per episode (CompilerGym's usual 45); an episode ends there and nowhere else.</summary>
    public int EpisodeLength { get; init; } = 45;

    /// <summary>Environments stepped in parallel, each in its own session.</summary>
    public int Envs { get; init; } = 4;

    /// <summary>Whole episodes each environment plays per update, so that no episode spans two updates.</summary>
    public int EpisodesPerUpdate { get; init; } = 2;

    public double LearningRate { get; init; } = 5e-4;
    /// <summary>Lowers the learning rate linearly to 0 over the run.</summary>
    public bool AnnealLearningRate { get; init; } = true;
    public double Gamma { get; init; } = 0.99;
    public double GaeLambda { get; init; } = 0.95;
    public int UpdateEpochs { get; init; } = 4;
    public int Minibatches { get; init; } = 4;
    public double ClipCoefficient { get; init; } = 0.2;
    public bool NormalizeAdvantages { get; init; } = true;
    public double EntropyCoefficient { get; init; } = 0.01;
    public double ValueCoefficient { get; init; } = 0.5;
    public double MaxGradNorm { get; init; } = 0.5;

    /// <summary>Width of the two hidden layers of the actor and of the critic.</summary>
    public int Hidden { get; init; } = 128;

    /// <summary>
    /// LibTorch's threads. One keeps floating-point sums in a fixed order (runs repeat exactly by
    /// seed) and leaves the cores to the environments, which do most of the work.
    /// </summary>
    public int TorchThreads { get; init; } = 1;

    [JsonIgnore] public int StepsPerUpdate => Envs * EpisodesPerUpdate * EpisodeLength;
    [JsonIgnore] public int Updates => (int)Math.Max(1, TotalSteps / StepsPerUpdate);

    /// <summary>Throws for settings the algorithm cannot run with.</summary>
    public void Validate()
    {
        if (EpisodeLength < 1 || Envs < 1 || EpisodesPerUpdate < 1 || UpdateEpochs < 1 || Hidden < 1 || TorchThreads < 1)
            throw new ArgumentException("episode length, envs, episodes per update, update epochs, hidden width and torch threads must be at least 1");
        if (Minibatches < 1 || StepsPerUpdate % Minibatches != 0)
            throw new ArgumentException($"{StepsPerUpdate} steps per update do not split into {Minibatches} minibatches");
        if (LearningRate <= 0 || Gamma is < 0 or > 1 || GaeLambda is < 0 or > 1 || ClipCoefficient <= 0)
            throw new ArgumentException("learning rate and clip coefficient must be positive, gamma and lambda in [0, 1]");
    }
}
