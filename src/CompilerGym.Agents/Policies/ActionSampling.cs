namespace CompilerGym.Agents.Policies;

/// <summary>Choosing an action from a policy's probabilities, reproducibly.</summary>
public static class ActionSampling
{
    /// <summary>An index drawn with the given probabilities (they need not sum exactly to 1).</summary>
    public static int Sample(IReadOnlyList<double> probabilities, Random random)
    {
        double total = 0;
        foreach (double p in probabilities) total += p;
        // The running sum below adds the same numbers in the same order, so it reaches total exactly.
        double u = random.NextDouble() * total, cumulative = 0;
        for (int i = 0; i < probabilities.Count; i++)
        {
            cumulative += probabilities[i];
            if (u < cumulative && probabilities[i] > 0) return i;
        }
        throw new ArgumentException("action probabilities must be non-negative with a positive sum");
    }

    /// <summary>The most probable action (the first of equals).</summary>
    public static int Greedy(IReadOnlyList<double> probabilities)
    {
        int best = 0;
        for (int i = 1; i < probabilities.Count; i++)
            if (probabilities[i] > probabilities[best]) best = i;
        return best;
    }

    /// <summary>
    /// A seed for one stream of random numbers of a run (SplitMix64 of the three), so that each
    /// update, episode or benchmark gets its own generator and a resumed run draws what the
    /// uninterrupted one would have.
    /// </summary>
    public static int SeedFor(int seed, int stream, long index)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)stream << 40 ^ (ulong)index);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }
}
