using System.CommandLine;
using BenchmarkDotNet.Running;
using CompilerGym.Benchmarks.Measurements;

// Two kinds of measurement:
//   BenchmarkDotNet suites:  dotnet run -c Release --project benchmarks/CompilerGym.Benchmarks -- --filter '*'
//   run-level measurements:  ... -- side-by-side | throughput | memory | session-memory | mlir-action-sweep | exactness | one-shot | sandbox  [options, see --help]
string[] measurements = ["side-by-side", "throughput", "memory", "session-memory", "mlir-action-sweep", "exactness", "one-shot", "sandbox", "--help", "-h"];
if (args.Length == 0 || !measurements.Contains(args[0]))
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    return 0;
}

// The servers these measurements host run as `cgym serve` runs.
CompilerGym.Service.Hosting.ServiceHost.TuneThreadPool();

// Piped output has no terminal width; Spectre would wrap every cell at 80 columns.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 240;

var benchmark = new Option<string>("--benchmark", "-b") { DefaultValueFactory = _ => "benchmark://builtin-v0/crc32", Description = "Benchmark URI" };
var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0 };
var episodes = new Option<int>("--episodes") { DefaultValueFactory = _ => 20 };
var length = new Option<int>("--length") { DefaultValueFactory = _ => 50, Description = "Steps per episode" };
var subprocessEpisodes = new Option<int>("--subprocess-episodes") { DefaultValueFactory = _ => 2, Description = "Episodes for the (slow) opt-22 subprocess method" };
var sessions = new Option<int[]>("--sessions") { DefaultValueFactory = _ => [1, 2, 8, 32, 128], AllowMultipleArgumentsPerToken = true };
var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 10 };
var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 100_000 };

var sideBySide = new Command("side-by-side", "The same action sequences through the bare pass call, the in-process env and an opt-22 subprocess")
    { benchmark, episodes, length, seed, subprocessEpisodes };
sideBySide.SetAction(r => SideBySide.Run(r.GetValue(benchmark)!, r.GetValue(episodes), r.GetValue(length), r.GetValue(seed), r.GetValue(subprocessEpisodes)));
var throughput = new Command("throughput", "Steps per second with several sessions in parallel") { benchmark, sessions, seconds, length };
throughput.SetAction(r => Throughput.Run(r.GetValue(benchmark)!, r.GetValue(sessions)!, r.GetValue(seconds), r.GetValue(length)));
var remote = new Option<bool>("--remote") { Description = "Through a server on loopback (its workers' memory is shown too)" };
var memory = new Command("memory", "Memory of one env over many steps") { benchmark, steps, length, remote };
memory.SetAction(r => MemoryGrowth.Run(r.GetValue(benchmark)!, r.GetValue(steps), r.GetValue(length), r.GetValue(remote)));

var sessionCount = new Option<int>("--count") { DefaultValueFactory = _ => 100, Description = "Sessions to open" };
var sessionMemory = new Command("session-memory", "Resident memory per open session") { benchmark, sessionCount };
sessionMemory.SetAction(r => SessionMemory.Run(r.GetValue(benchmark)!, r.GetValue(sessionCount)));

var kernels = new Option<string[]>("--kernel", "-k")
{
    DefaultValueFactory = _ => [.. CompilerGym.Mlir.Tests.ActionSweep.Kernels], AllowMultipleArgumentsPerToken = true,
    Description = "mlir-linalg-v0 kernels with their shapes (e.g. 'matmul?m=16&n=24&k=8')",
};
var actionSweep = new Command("mlir-action-sweep", "Every mlir-v0 action on small kernels keeps the output (the tests check a sample)") { kernels };
actionSweep.SetAction(r => MlirActionSweep.Run(r.GetValue(kernels)!));

var exactBenchmarks = new Option<string[]>("--benchmark", "-b")
{
    DefaultValueFactory = _ => [.. new CompilerGym.Llvm.Datasets.BuiltinDataset().Benchmarks.Select(b => b.Uri)], AllowMultipleArgumentsPerToken = true,
    Description = "Benchmark URIs, the sequences shared among them (default: every built-in)",
};
var exactSpace = new Option<string>("--space") { DefaultValueFactory = _ => CompilerGym.Llvm.Actions.LlvmActionSpace.Tune, Description = "Action space to draw from" };
var sequences = new Option<int>("--sequences") { DefaultValueFactory = _ => 1000 };
var exactLength = new Option<int>("--length") { DefaultValueFactory = _ => 12, Description = "Actions per sequence" };
var show = new Option<int>("--show") { DefaultValueFactory = _ => 5, Description = "Disagreements to name" };
var exactness = new Command("exactness", "Random sequences reached every way (fresh, replayed, forked, one step, opt-22): which agree")
    { exactBenchmarks, exactSpace, sequences, exactLength, seed, show };
exactness.SetAction(r => ExactnessRun.Run(r.GetValue(exactBenchmarks)!, r.GetValue(exactSpace)!, r.GetValue(sequences), r.GetValue(exactLength), r.GetValue(seed), r.GetValue(show)));

var shotBenchmarks = new Option<string[]>("--benchmark", "-b")
{
    DefaultValueFactory = _ => [.. CompilerGym.Llvm.Datasets.Debian.DebianPrograms.All.Select(p => p.Uri)], AllowMultipleArgumentsPerToken = true,
    Description = "Benchmark URIs (default: every debian-v0 program, none of which the portfolio was learned on)",
};
var oneShot = new Command("one-shot", "tune --one-shot's portfolio against -Oz: cost and time, side by side per program") { shotBenchmarks };
oneShot.SetAction(r => OneShotRun.Run(r.GetValue(shotBenchmarks)!));

var rounds = new Option<int>("--rounds") { DefaultValueFactory = _ => 10, Description = "Sessions per server" };
var sessionSteps = new Option<int>("--steps") { DefaultValueFactory = _ => 200, Description = "Steps per session" };
var sandbox = new Command("sandbox", "What confining workers costs: sandboxed and unconfined servers side by side") { benchmark, rounds, sessionSteps };
sandbox.SetAction(r => SandboxCost.Run(r.GetValue(benchmark)!, r.GetValue(rounds), r.GetValue(sessionSteps)));

return new RootCommand("CompilerGym for .NET performance measurements") { sideBySide, throughput, memory, sessionMemory, actionSweep, exactness, oneShot, sandbox }.Parse(args).Invoke();
