using CompilerGym.Core.Envs;

namespace CompilerGym.Agents.Policies;

/// <summary>
/// What the PPO network sees of a state. Training and <see cref="PpoPolicy"/> both build it here,
/// from the env and the episode's actions, so a loaded policy sees exactly what it was trained on:
/// <list type="bullet">
/// <item>the 56 Autophase features, each divided by the instruction count (so programs of
/// different sizes look alike), the count itself as log(1 + count) / 10;</item>
/// <item>log(count / unoptimized count): how much has been saved so far;</item>
/// <item>the episode's progress, steps taken / episode length (the episode ends at a fixed step);</item>
/// <item>how often each action was taken in the episode, and the last action one-hot (what
/// ran, and which pass the program has just been through).</item>
/// </list>
/// </summary>
public static class PpoFeatures
{
    /// <summary>Names this encoding in checkpoints; change it whenever the features change.</summary>
    public const string Encoding = "autophase-per-instruction+log-size-ratio+progress+action-counts+last-action/v1";

    public const string AutophaseSpace = "Autophase";
    private const string UnoptimizedCountSpace = "IrInstructionCountO0";
    private const int AutophaseLength = 56;
    private const int ScalarFeatures = 2;

    public static int Size(int actions) => AutophaseLength + ScalarFeatures + 2 * actions;

    /// <summary>The features of the env's current state after the actions of <paramref name="history"/>.</summary>
    public static float[] Encode(ICompilerEnv env, IReadOnlyList<int> history, int episodeLength)
    {
        long[] autophase = env.Observe(AutophaseSpace).AsInt64Vector();
        double unoptimized = env.Observe(UnoptimizedCountSpace).AsDouble();
        int totalInsts = TotalInstsIndex(env);
        return Encode(autophase, totalInsts, unoptimized, history, env.ActionSpace.N, episodeLength);
    }

    public static float[] Encode(long[] autophase, int totalInstsIndex, double unoptimizedCount, IReadOnlyList<int> history,
        int actions, int episodeLength)
    {
        if (autophase.Length != AutophaseLength)
            throw new ArgumentException($"Autophase has {autophase.Length} features, expected {AutophaseLength}");
        var x = new float[Size(actions)];
        double count = autophase[totalInstsIndex];
        double perInstruction = 1.0 / Math.Max(count, 1);
        for (int i = 0; i < AutophaseLength; i++)
            x[i] = (float)(i == totalInstsIndex ? Math.Log(1 + count) / 10 : autophase[i] * perInstruction);
        x[AutophaseLength] = (float)Math.Log(Math.Max(count, 1) / Math.Max(unoptimizedCount, 1));
        x[AutophaseLength + 1] = (float)history.Count / episodeLength;
        int counts = AutophaseLength + ScalarFeatures, last = counts + actions;
        foreach (int action in history) x[counts + action] += 1;
        if (history.Count > 0) x[last + history[^1]] = 1;
        return x;
    }

    private static int TotalInstsIndex(ICompilerEnv env) =>
        env.ObservationSpaces.First(s => s.Name == AutophaseSpace).IndexOf("TotalInsts");
}
