using CompilerGym.Core.Envs;
using CompilerGym.Mlir.Actions;
using CompilerGym.Mlir.Core;
using CompilerGym.Mlir.Env;

namespace CompilerGym.Mlir.Tune;

/// <summary>
/// Random search over schedules of the form parallel? swap? (tile-row decompose)? tile* vectorize?
/// unroll? cleanup, drawn from the action space: random loops, sizes and factors. Actions that do
/// not apply are skipped; each distinct kernel is built and timed once, its output checked.
/// </summary>
public sealed class RandomScheduleSearch(MlirEnv env, Random random, Action<string> log)
{
    public sealed record Found(IReadOnlyList<string> Actions, long RuntimeNs);

    public Found Run(int samples)
    {
        var start = env.State;
        var best = new Found([], (long)env.Observe(MlirSpaces.Runtime).AsDouble());
        var seen = new HashSet<string>();
        for (int i = 0; i < samples; i++)
        {
            env.Reset(start.Benchmark);
            var applied = new List<string>();
            foreach (string action in Sample())
            {
                try { env.Step([action]); applied.Add(action); }
                catch (InapplicableActionException) { }
            }
            if (!seen.Add(env.Observe(MlirSpaces.Mlir).AsText())) continue;
            long runtime = (long)env.Observe(MlirSpaces.Runtime).AsDouble();
            log($"  {i,3}: {runtime / 1e6,9:F3} ms  {string.Join(" ", applied)}");
            if (runtime < best.RuntimeNs) best = new Found(applied, runtime);
        }
        return best;
    }

    private IEnumerable<string> Sample()
    {
        var features = env.Observe(MlirSpaces.LoopFeatures).AsInt64Vector();
        long Feature(string name) => features[LoopFeatures.Names.ToList().IndexOf(name)];
        int loops = (int)Feature("root.loops");
        var actions = new List<string>();
        string Pick(IReadOnlyList<int> values) => values[random.Next(values.Count)].ToString();
        // Parallel tiles first, outermost: inside a sequential loop every iteration would start and join the threads.
        var parallel = Enumerable.Range(0, Math.Min(loops, MlirActionSpace.ParallelLoops)).Where(d => (Feature("root.parallel_loop_mask") >> d & 1) != 0).ToList();
        if (parallel.Count > 0 && random.NextDouble() < 0.5)
            actions.Add($"parallel-d{parallel[random.Next(parallel.Count)]}-{Pick(MlirActionSpace.TileSizes)}");
        if (random.NextDouble() < 0.3)
        {
            int i = random.Next(loops), j = random.Next(loops);
            if (i != j) actions.Add($"swap-d{Math.Min(i, j)}-d{Math.Max(i, j)}");
        }
        if (loops > 4 && random.NextDouble() < 0.5)
            actions.AddRange(["tile-d1-1", "tile-d4-1"]); // rows of the output and of the window, for decompose
        int tiles = random.Next(1, loops + 1);
        foreach (int d in Enumerable.Range(0, loops).OrderBy(_ => random.Next()).Take(tiles))
            actions.Add($"tile-d{d}-{Pick(MlirActionSpace.TileSizes)}");
        if (loops > 4) actions.Add("decompose");
        if (random.NextDouble() < 0.8) actions.Add("vectorize");
        if (random.NextDouble() < 0.2) actions.Add($"unroll-{Pick(MlirActionSpace.UnrollFactors)}");
        actions.AddRange(["canonicalize", "cse", "loop-invariant-code-motion"]);
        return actions;
    }
}
