using CompilerGym.Llvm.Datasets;
using CompilerGym.Worker;

// cgym-worker --user-benchmarks DIR: serves one session over stdin/stdout (see worker.proto).
string? userBenchmarks = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--user-benchmarks" && i + 1 < args.Length) userBenchmarks = args[++i];
    else
    {
        Console.Error.WriteLine($"cgym-worker: unknown argument '{args[i]}' (usage: cgym-worker [--user-benchmarks DIR])");
        return 2;
    }
}

var channel = StandardStreams.TakeStdout();
// The same datasets as in process, plus the server's uploads.
var datasets = BenchmarkStore.Default.Datasets.ToList();
if (userBenchmarks is not null) datasets.Add(new UserDataset(userBenchmarks));
var store = new BenchmarkStore(datasets, BenchmarkStore.Default.Generators);
new WorkerLoop(store).Run(Console.OpenStandardInput(), channel);
return 0;
