using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Observations;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Llvm.Tests;

/// <summary>
/// A state is its record: the ways of reaching the state of a benchmark and an action sequence
/// that must give the same program. <see cref="Check"/> reaches it every way and says which agree
/// with a fresh env stepped one action at a time. The tests check a few random sequences; the
/// benchmarks' <c>exactness</c> command checks thousands.
/// </summary>
public static class Exactness
{
    /// <summary>What each way is compared with: the fork at its cut with its parent there, every other way with <see cref="Fresh"/>.</summary>
    public const string Fresh = "fresh env, single steps";
    public const string ForkAtCut = "fork, as taken";
    public const string Replay = "used env, reset and replayed";
    public const string Fork = "fork, stepped on";
    public const string MultiStep = "one multi-action step";
    public const string Opt = "opt-22 -passes=PIPELINE";

    public static IReadOnlyList<string> Comparisons { get; } = [ForkAtCut, Replay, Fork, MultiStep, Opt];

    /// <summary>One comparison that failed: which way, and the first line where its IR and the reference's differ.</summary>
    public sealed record Disagreement(string Benchmark, IReadOnlyList<string> Actions, int Cut, string Way, string FirstDifference)
    {
        public override string ToString() =>
            $"{Benchmark}: [{string.Join(", ", Actions)}] forked after {Cut}: {Way} disagrees with " +
            $"{(Way == ForkAtCut ? "its parent" : Fresh)} ({FirstDifference})";
    }

    /// <summary>Random sequences of <paramref name="length"/> actions from <paramref name="actions"/>, each with a cut (1..length-1) at which to fork.</summary>
    public static IEnumerable<(int[] Actions, int Cut)> RandomSequences(IReadOnlyList<LlvmAction> actions, int count, int length, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
            yield return ([.. Enumerable.Range(0, length).Select(_ => actions[random.Next(actions.Count)].Id)], random.Next(1, Math.Max(2, length)));
    }

    /// <summary>
    /// Runs <paramref name="actions"/> (ids of <paramref name="space"/>) on <paramref name="benchmark"/>
    /// every way and returns the comparisons that disagree (none when the state is its record).
    /// <paramref name="used"/> is reset and replayed: pass the same env for every call, so that it
    /// has run other episodes before.
    /// </summary>
    public static List<Disagreement> Check(LlvmEnv used, string benchmark, string space, IReadOnlyList<int> actions, int cut)
    {
        var options = new ResetOptions(space);
        var disagreements = new List<Disagreement>();
        var names = actions.Select(a => LlvmActionSpace.Get(space)[a].Name).ToList();
        void Compare(string way, string reference, string ir)
        {
            if (ir != reference) disagreements.Add(new(benchmark, names, cut, way, FirstDifference(reference, ir)));
        }

        string fresh;
        string multi;
        using (var env = new LlvmEnv(actionSpace: space))
        {
            env.Reset(benchmark);
            foreach (int a in actions) env.Step(a);
            fresh = Canonical(env);
            env.Reset(benchmark);
            env.Step(actions);
            multi = Canonical(env);
        }

        used.Reset(benchmark, options);
        foreach (int a in actions.Take(cut)) used.Step(a);
        using (var fork = (LlvmEnv)used.Fork())
        {
            Compare(ForkAtCut, Canonical(used), Canonical(fork));
            foreach (int a in actions.Skip(cut)) used.Step(a);
            foreach (int a in actions.Skip(cut)) fork.Step(a);
            Compare(Replay, fresh, Canonical(used));
            Compare(Fork, fresh, Canonical(fork));
        }
        Compare(MultiStep, fresh, multi);
        Compare(Opt, fresh, OptCanonical(used));
        return disagreements;
    }

    /// <summary>
    /// The env's program as text to compare, read back from its bitcode without local value names
    /// and without the ModuleID line. A name a pass makes unique gets a suffix from its function's
    /// counter, which a fork starts afresh; the bitcode reader gives intrinsic declarations their
    /// own attributes back (dropping, say, a <c>mustprogress</c> that inferattrs added); the
    /// ModuleID names the file read. None of them changes the program, and every way is read the
    /// same way.
    /// </summary>
    public static string Canonical(ICompilerEnv env) => Canonical(env.Observe("Bitcode").AsBytes());

    private static string Canonical(byte[] bitcode)
    {
        using var module = LlvmModule.ParseBitcode(bitcode, "exactness", discardValueNames: true);
        return LlvmObservations.WithoutModuleId(module.ToText());
    }

    /// <summary>What opt-22 makes of the benchmark's bitcode with the env's pipeline, as <see cref="LlvmEnv.Commandline"/> runs it.</summary>
    private static string OptCanonical(LlvmEnv env)
    {
        var benchmark = env.CurrentBenchmark!;
        string output = Path.GetTempFileName();
        try
        {
            string[] triple = string.IsNullOrEmpty(benchmark.TargetTriple) ? [$"-mtriple={TargetMachine.DefaultTriple}"] : [];
            var result = ProcessRunner.Run(LlvmTools.Opt,
                [.. triple, $"-passes={env.Pipeline}", LlvmTools.OptTargetFlags, benchmark.BitcodePath, "-o", output], TimeSpan.FromMinutes(5));
            if (result.ExitCode != 0) throw new InvalidOperationException($"opt-22 failed on {benchmark.Uri}: {result.Stderr}");
            return Canonical(File.ReadAllBytes(output));
        }
        finally { File.Delete(output); }
    }

    private static string FirstDifference(string expected, string actual)
    {
        string[] a = expected.Split('\n'), b = actual.Split('\n');
        int line = 0;
        while (line < a.Length && line < b.Length && a[line] == b[line]) line++;
        string At(string[] lines) => line < lines.Length ? $"'{lines[line].Trim()}'" : "the end";
        return $"line {line + 1}: {At(a)} against {At(b)}; {a.Length} against {b.Length} lines";
    }
}
