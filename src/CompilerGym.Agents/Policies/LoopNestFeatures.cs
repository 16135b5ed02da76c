using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;

namespace CompilerGym.Agents.Policies;

/// <summary>
/// mlir-v0's PPO features: the LoopFeatures observation (module totals, transformations so far,
/// loop ranges, iterator kinds, access patterns of the root operation and the next ones), each
/// count or range as log(1 + value) / 5 so that a 512-iteration loop and a 16-iteration one
/// differ by a step of the same size as 16 and 1, and -1 (no such operation or loop) kept as -1;
/// then the episode's part (<see cref="StateFeatures.AppendEpisode"/>).
/// </summary>
public sealed class LoopNestFeatures : IStateFeatures
{
    public const string LoopFeaturesSpace = "LoopFeatures";

    public static LoopNestFeatures Instance { get; } = new();

    public string Encoding => "loop-features-log+progress+action-counts+last-action/v1";

    public int Size(ICompilerEnv env, int actions) =>
        env.ObservationSpaces.First(s => s.Name == LoopFeaturesSpace).Shape[0] + StateFeatures.EpisodeSize(actions);

    public IReadOnlyList<string> Observations { get; } = [LoopFeaturesSpace];

    public float[] Encode(ICompilerEnv env, IReadOnlyList<int> history, int episodeLength) => Encode(env, env.Observe, history, episodeLength);

    public float[] Encode(ICompilerEnv env, Func<string, Observation> observe, IReadOnlyList<int> history, int episodeLength)
    {
        long[] features = observe(LoopFeaturesSpace).AsInt64Vector();
        int actions = env.ActionSpace.N;
        var x = new float[features.Length + StateFeatures.EpisodeSize(actions)];
        for (int i = 0; i < features.Length; i++)
            x[i] = features[i] < 0 ? -1 : (float)(Math.Log(1 + features[i]) / 5);
        StateFeatures.AppendEpisode(x, features.Length, history, actions, episodeLength);
        return x;
    }
}
