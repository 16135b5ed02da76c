using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;

namespace CompilerGym.Agents.Policies;

/// <summary>
/// What the PPO network sees of a state: an encoding of the program, then the episode's part
/// (<see cref="StateFeatures.AppendEpisode"/>). Training and <see cref="PpoPolicy"/> build it
/// through the same encoding, named in checkpoints, so a loaded policy sees what it was trained on.
/// </summary>
public interface IStateFeatures
{
    /// <summary>Names the encoding in checkpoints; changes whenever the features change.</summary>
    string Encoding { get; }

    /// <summary>The length of the env's feature vectors with an action space of <paramref name="actions"/> actions.</summary>
    int Size(ICompilerEnv env, int actions);

    /// <summary>The observations the features are made of: a batch of steps asks for them with the steps.</summary>
    IReadOnlyList<string> Observations { get; }

    /// <summary>The features of the env's current state after the actions of <paramref name="history"/>.</summary>
    float[] Encode(ICompilerEnv env, IReadOnlyList<int> history, int episodeLength);

    /// <summary>The same, from observations of that state got by <paramref name="observe"/>.</summary>
    float[] Encode(ICompilerEnv env, Func<string, Observation> observe, IReadOnlyList<int> history, int episodeLength);
}

/// <summary>The encodings, chosen by what an environment observes: Autophase (llvm-v0) or loop-nest features (mlir-v0).</summary>
public static class StateFeatures
{
    public static IReadOnlyList<IStateFeatures> All { get; } = [AutophaseFeatures.Instance, LoopNestFeatures.Instance];

    /// <summary>The encoding for an environment: the first whose observation it offers.</summary>
    public static IStateFeatures For(ICompilerEnv env)
    {
        var names = env.ObservationSpaces.Select(s => s.Name).ToHashSet();
        if (names.Contains(AutophaseFeatures.AutophaseSpace)) return AutophaseFeatures.Instance;
        if (names.Contains(LoopNestFeatures.LoopFeaturesSpace)) return LoopNestFeatures.Instance;
        throw new ArgumentException($"no PPO features for an environment without {AutophaseFeatures.AutophaseSpace} or {LoopNestFeatures.LoopFeaturesSpace} observations");
    }

    /// <summary>The encoding a checkpoint names.</summary>
    public static IStateFeatures Named(string encoding) => All.FirstOrDefault(f => f.Encoding == encoding)
        ?? throw new FormatException($"unknown feature encoding '{encoding}' (this version has: {string.Join(", ", All.Select(f => f.Encoding))})");

    public const string ActionMaskSpace = "ActionMask";

    /// <summary>What is added to the actor's logits where an action cannot apply: its probability becomes 0 (not −∞: 0 × −∞ would poison the entropy).</summary>
    public const float MaskedLogit = -1e9f;

    /// <summary>
    /// Invalid-action masking (Huang and Ontañón 2022): from the env's ActionMask observation, 0
    /// for each action that may apply and <see cref="MaskedLogit"/> for each that cannot, to add to
    /// the actor's logits; null when the env has no mask (every action applies, as in llvm-v0).
    /// </summary>
    public static float[]? LogitMask(ICompilerEnv env) => LogitMask(env, env.Observe);

    /// <summary>The same, from the ActionMask got by <paramref name="observe"/>.</summary>
    public static float[]? LogitMask(ICompilerEnv env, Func<string, Observation> observe)
    {
        if (!HasMask(env)) return null;
        long[] mask = observe(ActionMaskSpace).AsInt64Vector();
        // A state where nothing may apply is left unmasked rather than given no action at all.
        return mask.Any(m => m != 0) ? [.. mask.Select(m => m != 0 ? 0f : MaskedLogit)] : new float[mask.Length];
    }

    /// <summary>Whether the env observes an ActionMask.</summary>
    public static bool HasMask(ICompilerEnv env) => env.ObservationSpaces.Any(s => s.Name == ActionMaskSpace);

    /// <summary>Features of the episode that follow a program's: 1 for the progress and 2 per action.</summary>
    public static int EpisodeSize(int actions) => 1 + 2 * actions;

    /// <summary>
    /// Writes, from <paramref name="offset"/>: the episode's progress, steps taken / episode length
    /// (an episode ends at a fixed step); how often each action was taken; the last action one-hot
    /// (what ran, and which transformation the program has just been through).
    /// </summary>
    public static void AppendEpisode(float[] x, int offset, IReadOnlyList<int> history, int actions, int episodeLength)
    {
        x[offset] = (float)history.Count / episodeLength;
        int counts = offset + 1, last = counts + actions;
        foreach (int action in history) x[counts + action] += 1;
        if (history.Count > 0) x[last + history[^1]] = 1;
    }
}
