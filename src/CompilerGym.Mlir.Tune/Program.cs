using CompilerGym.Mlir.Env;
using CompilerGym.Mlir.Runtime;
using CompilerGym.Mlir.Tune;

// cgym-mlir-tune [--samples N] [--seed S] [--repeats R] BENCHMARK...
// Random schedule search per benchmark, then the best schedule, the untransformed kernel and the
// default lowering timed again R times each (median of medians), outputs checked equal.
int samples = 40, seed = 1, repeats = 5;
var benchmarks = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--samples": samples = int.Parse(args[++i]); break;
        case "--seed": seed = int.Parse(args[++i]); break;
        case "--repeats": repeats = int.Parse(args[++i]); break;
        default: benchmarks.Add(args[i]); break;
    }
}
if (benchmarks.Count == 0)
{
    Console.Error.WriteLine("usage: cgym-mlir-tune [--samples N] [--seed S] [--repeats R] BENCHMARK...");
    return 2;
}

var rows = new List<string>();
foreach (string benchmark in benchmarks)
{
    using var env = new MlirEnv(runtimeBudget: TimeSpan.FromMilliseconds(300));
    env.Reset(benchmark);
    Console.WriteLine($"{env.Benchmark}: searching {samples} random schedules");
    var found = new RandomScheduleSearch(env, new Random(seed), Console.WriteLine).Run(samples);

    // Fresh measurements of the three, interleaved so that machine load affects them alike.
    var times = new Dictionary<string, List<long>> { ["untransformed"] = [], ["default"] = [], ["best"] = [] };
    for (int r = 0; r < repeats; r++)
    {
        using var measure = new MlirEnv(runtimeBudget: TimeSpan.FromSeconds(1));
        measure.Reset(benchmark);
        times["default"].Add(Measure(measure, Harness.Optimized));
        times["untransformed"].Add(Measure(measure, Harness.Unoptimized));
        measure.Step(found.Actions);
        times["best"].Add((long)measure.Observe(MlirSpaces.Runtime).AsDouble()); // checks the output too
        if (r == 0) Console.WriteLine($"reproduce: {measure.Commandline()}");
    }
    double Median(string key) => times[key].Order().ElementAt(times[key].Count / 2) / 1e6;
    double untransformed = Median("untransformed"), lowered = Median("default"), best = Median("best");
    rows.Add($"| {env.Benchmark} | {untransformed:F2} | {lowered:F2} | {best:F2} | {untransformed / best:F1}× | {lowered / best:F1}× | `{string.Join(" ", found.Actions)}` |");
}
Console.WriteLine();
Console.WriteLine("| benchmark | untransformed (-O0), ms | default lowering (-O3), ms | best schedule, ms | speed-up vs untransformed | vs default | schedule |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---|");
rows.ForEach(Console.WriteLine);
return 0;

// The start state (no actions) built at an optimization level and timed anew: the env's baselines are measured once per process.
static long Measure(MlirEnv env, string optimization) =>
    Harness.Run(env.Observe(MlirSpaces.LlvmIr).AsText(), env.CurrentBenchmark!.Signature, optimization, env.RuntimeBudget, env.KernelTimeLimit).MedianNanoseconds;
