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
var root = new RootCommand("The cluster path against a single server: step cost, throughput on 1 and 2 silos, recovery after a silo dies")
    { benchmark, rounds, steps, sessions, seconds, recoveries };
root.SetAction(r => ClusterCost.Run(r.GetValue(benchmark)!, r.GetValue(rounds), r.GetValue(steps), r.GetValue(sessions), r.GetValue(seconds), r.GetValue(recoveries)));
return root.Parse(args).Invoke();
