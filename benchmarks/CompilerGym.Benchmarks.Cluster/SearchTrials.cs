using CompilerGym.Agents.Search;
using CompilerGym.Client;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Env;
using CompilerGym.Service.Cluster.Tests;
using Spectre.Console;

namespace CompilerGym.Benchmarks.Cluster;

/// <summary>A large program, its greedy search and its rounds (searches per way).</summary>
internal sealed record SearchSettings(string Benchmark, int Steps, int Rounds);

/// <summary>
/// What a helper env buys one search: a greedy search of a large program with a step budget,
/// alone and with one helper, in process and over a cluster of two silos (the helper a session
/// placed on the other silo), in interleaved rounds. Every way must find the same sequence.
/// </summary>
internal static class SearchTrials
{
    public static void Run(LocalCluster two, SearchSettings settings)
    {
        string gateways = string.Join(",", two.Addresses);
        var ways = new (string Name, Func<ICompilerEnv> Create, int Helpers)[]
        {
            ("in process, alone", () => new LlvmEnv(), 0),
            ("in process, 1 helper", () => new LlvmEnv(), 1),
            ("cluster of 2 silos, alone", () => new RemoteEnv(gateways), 0),
            ("cluster of 2 silos, 1 helper", () => new RemoteEnv(gateways), 1),
        };
        var options = new SearchOptions { MaxEvaluations = settings.Steps };
        var seconds = ways.ToDictionary(w => w.Name, _ => new List<double>());
        var found = new HashSet<string>();
        Console.WriteLine($"greedy search of {settings.Benchmark}, {settings.Steps} steps, {settings.Rounds} rounds (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}):");
        for (int round = 0; round < settings.Rounds; round++)
            foreach (var (name, create, helpers) in ways)
            {
                var envs = Enumerable.Range(0, 1 + helpers).Select(_ => create()).ToList();
                try
                {
                    foreach (var env in envs) env.Reset(settings.Benchmark);
                    var result = new GreedySearch().Run(envs[0], options, helpers: envs[1..]);
                    seconds[name].Add(result.Elapsed.TotalSeconds);
                    found.Add(string.Join(" ", result.ActionNames) + $" ({result.InitialCost} -> {result.BestCost})");
                    if (round == 0 && RemoteEnv.Hosts(envs) is { Count: > 0 } hosts) Console.WriteLine($"  {name}: sessions on {string.Join(", ", hosts)}");
                }
                finally { envs.ForEach(e => e.Dispose()); }
            }
        var alone = ways.ToDictionary(w => w.Name, w => w.Helpers == 0 ? w.Name : w.Name.Replace("1 helper", "alone"));
        var table = new Table().Border(TableBorder.Simple);
        foreach (string c in new[] { "way", "search, s", "alone / this" }) table.AddColumn(c);
        foreach (var (name, _, _) in ways)
            table.AddRow(name, string.Join(" / ", seconds[name].Select(s => s.ToString("F1"))),
                (seconds[alone[name]].Sum() / seconds[name].Sum()).ToString("F2"));
        AnsiConsole.Write(table);
        Console.WriteLine(found.Count == 1 ? $"every way found {found.Single()}" : $"the ways differ: {string.Join("; ", found)}");
    }
}
