using System.CommandLine;
using CompilerGym.Benchmarks.Cluster;

// dotnet run -c Release --project benchmarks/CompilerGym.Benchmarks.Cluster -- [options, see --help]
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 240;

var benchmark = new Option<string>("--benchmark", "-b") { DefaultValueFactory = _ => "benchmark://builtin-v0/crc32", Description = "Benchmark URI" };
var rounds = new Option<int>("--rounds") { DefaultValueFactory = _ => 10, Description = "Sessions per server, interleaved" };
var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 200, Description = "Steps per session" };
var sessions = new Option<int>("--sessions") { DefaultValueFactory = _ => 8, Description = "Sessions stepping side by side for the throughput" };
var seconds = new Option<double>("--seconds") { DefaultValueFactory = _ => 10, Description = "Seconds of each throughput run" };
var recoveries = new Option<int>("--recoveries") { DefaultValueFactory = _ => 3, Description = "Silos killed under a session, one after another" };
var searchBenchmark = new Option<string>("--search-benchmark") { DefaultValueFactory = _ => "benchmark://debian-v0/bzip2", Description = "A large program for the searches with helpers" };
var searchSteps = new Option<int>("--search-steps") { DefaultValueFactory = _ => 300, Description = "Steps of each greedy search" };
var searchRounds = new Option<int>("--search-rounds") { DefaultValueFactory = _ => 2, Description = "Searches per way, interleaved (0: none)" };
var root = new RootCommand("The cluster path against a single server: step cost, throughput on 1 and 2 silos, recovery after a silo dies, a search's trials side by side")
    { benchmark, rounds, steps, sessions, seconds, recoveries, searchBenchmark, searchSteps, searchRounds };
root.SetAction(r =>
{
    ClusterCost.Run(r.GetValue(benchmark)!, r.GetValue(rounds), r.GetValue(steps), r.GetValue(sessions), r.GetValue(seconds), r.GetValue(recoveries),
        new SearchSettings(r.GetValue(searchBenchmark)!, r.GetValue(searchSteps), r.GetValue(searchRounds)));
});
return root.Parse(args).Invoke();
