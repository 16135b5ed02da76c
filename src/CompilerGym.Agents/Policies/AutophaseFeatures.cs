using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;

namespace CompilerGym.Agents.Policies;

/// <summary>
/// llvm-v0's PPO features:
/// <list type="bullet">
/// <item>the 56 Autophase features, each divided by the instruction count (so programs of
/// different sizes look alike), the count itself as log(1 + count) / 10;</item>
/// <item>log(count / unoptimized count): how much has been saved so far;</item>
/// <item>the episode's part (<see cref="StateFeatures.AppendEpisode"/>).</item>
/// </list>
/// </summary>
public sealed class AutophaseFeatures : IStateFeatures
{
    public const string AutophaseSpace = "Autophase";
    private const string UnoptimizedCountSpace = "IrInstructionCountO0";
    private const int AutophaseLength = 56;

    public static AutophaseFeatures Instance { get; } = new();

    public string Encoding => "autophase-per-instruction+log-size-ratio+progress+action-counts+last-action/v1";

    public int Size(ICompilerEnv env, int actions) => Size(actions);

    public static int Size(int actions) => AutophaseLength + 1 + StateFeatures.EpisodeSize(actions);

    public IReadOnlyList<string> Observations { get; } = [AutophaseSpace, UnoptimizedCountSpace];

    public float[] Encode(ICompilerEnv env, IReadOnlyList<int> history, int episodeLength) => Encode(env, env.Observe, history, episodeLength);

    public float[] Encode(ICompilerEnv env, Func<string, Observation> observe, IReadOnlyList<int> history, int episodeLength)
    {
        long[] autophase = observe(AutophaseSpace).AsInt64Vector();
        double unoptimized = observe(UnoptimizedCountSpace).AsDouble();
        int totalInsts = env.ObservationSpaces.First(s => s.Name == AutophaseSpace).IndexOf("TotalInsts");
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
        StateFeatures.AppendEpisode(x, AutophaseLength + 1, history, actions, episodeLength);
        return x;
    }
}
