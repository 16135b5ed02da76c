using System.Diagnostics;
using CompilerGym.Llvm;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Tests;
using Spectre.Console;

namespace CompilerGym.Benchmarks.Measurements;

/// <summary>
/// The tests' exactness property (<see cref="Exactness"/>) at scale: random sequences over the
/// given benchmarks, each reached every way, with a count per comparison. The actions found in
/// disagreeing sequences are listed with how often a sequence holding them disagreed, which names
/// the culprit when the space holds an action that is not deterministic.
/// </summary>
internal static class ExactnessRun
{
    public static int Run(IReadOnlyList<string> benchmarks, string spaceName, int sequences, int length, int seed, int show)
    {
        var space = LlvmActionSpace.Get(spaceName);
        Console.WriteLine($"{sequences} sequences of {length} random {space.Name} actions (seed {seed}) over {benchmarks.Count} benchmark(s)");
        var disagreeing = Exactness.Comparisons.ToDictionary(c => c, _ => 0);
        var examples = new List<Exactness.Disagreement>();
        var errors = new List<string>();
        var withAction = new int[space.Actions.Count];
        var disagreeingWithAction = new int[space.Actions.Count];
        int checkedSequences = 0, disagreeingSequences = 0;
        var clock = Stopwatch.StartNew();
        using var used = new LlvmEnv(actionSpace: space.Name);
        for (int b = 0; b < benchmarks.Count; b++)
        {
            int count = sequences / benchmarks.Count + (b < sequences % benchmarks.Count ? 1 : 0);
            foreach (var (actions, cut) in Exactness.RandomSequences(space.Actions, count, length, seed + b))
            {
                List<Exactness.Disagreement> found;
                try { found = Exactness.Check(used, benchmarks[b], space.Name, actions, cut); }
                catch (Exception e) when (e is LlvmException or InvalidOperationException)
                {
                    errors.Add($"{benchmarks[b]}: [{string.Join(", ", actions.Select(a => space[a].Name))}]: {e.Message}");
                    continue;
                }
                checkedSequences++;
                foreach (int a in actions.Distinct()) withAction[a]++;
                if (found.Count > 0)
                {
                    disagreeingSequences++;
                    foreach (int a in actions.Distinct()) disagreeingWithAction[a]++;
                }
                foreach (var d in found) disagreeing[d.Way]++;
                examples.AddRange(found.Take(Math.Max(0, show - examples.Count)));
            }
            Console.WriteLine($"  {benchmarks[b]}: {count} sequences, {clock.Elapsed.TotalSeconds:F0} s so far");
        }

        var table = new Table().Border(TableBorder.Simple);
        foreach (var c in new[] { "comparison", "sequences", "agreeing", "disagreeing" }) table.AddColumn(c);
        foreach (var way in Exactness.Comparisons)
            table.AddRow($"{way} vs {(way == Exactness.ForkAtCut ? "its parent" : Exactness.Fresh)}",
                checkedSequences.ToString(), (checkedSequences - disagreeing[way]).ToString(), disagreeing[way].ToString());
        table.AddRow("all five", checkedSequences.ToString(), (checkedSequences - disagreeingSequences).ToString(), disagreeingSequences.ToString());
        AnsiConsole.Write(table);
        Console.WriteLine($"{clock.Elapsed.TotalSeconds:F0} s, {clock.Elapsed.TotalMilliseconds / Math.Max(1, checkedSequences + errors.Count):F0} ms per sequence; {errors.Count} sequence(s) failed to run");
        foreach (var e in errors.Take(show)) Console.WriteLine($"  failed: {e}");
        foreach (var d in examples) Console.WriteLine($"  {d}");
        if (disagreeingSequences > 0)
        {
            Console.WriteLine("actions in disagreeing sequences (disagreeing / all sequences holding the action):");
            foreach (int a in Enumerable.Range(0, space.Actions.Count).Where(a => disagreeingWithAction[a] > 0)
                         .OrderByDescending(a => (double)disagreeingWithAction[a] / withAction[a]).Take(10))
                Console.WriteLine($"  {space[a].Name}: {disagreeingWithAction[a]} / {withAction[a]}");
        }
        return disagreeingSequences == 0 && errors.Count == 0 ? 0 : 1;
    }
}
