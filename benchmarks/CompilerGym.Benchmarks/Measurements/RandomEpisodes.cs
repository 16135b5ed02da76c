using CompilerGym.Llvm.Actions;

namespace CompilerGym.Benchmarks.Measurements;

/// <summary>Seeded random action sequences, so every method measured replays the very same work.</summary>
internal static class RandomEpisodes
{
    public static List<LlvmAction[]> Make(LlvmActionSpace space, int episodes, int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, episodes).Select(_ =>
            Enumerable.Range(0, length).Select(_ => space.Actions[random.Next(space.Actions.Count)]).ToArray())];
    }
}
