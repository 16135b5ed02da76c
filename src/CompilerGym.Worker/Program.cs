using CompilerGym.Environments;
using CompilerGym.Worker;

// cgym-worker [--user-benchmarks DIR] [--environments ASSEMBLY]...: serves one session over stdin/stdout (see worker.proto).
string? userBenchmarks = null;
var registry = Registrations.Default;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--user-benchmarks" && i + 1 < args.Length) userBenchmarks = args[++i];
    // Environments built outside this repository, registered as the service registered them.
    else if (args[i] == "--environments" && i + 1 < args.Length) registry.RegisterFrom(args[++i]);
    else
    {
        Console.Error.WriteLine($"cgym-worker: unknown argument '{args[i]}' (usage: cgym-worker [--user-benchmarks DIR] [--environments ASSEMBLY]...)");
        return 2;
    }
}

var channel = StandardStreams.TakeStdout();
new WorkerLoop(registry, userBenchmarks).Run(Console.OpenStandardInput(), channel);
return 0;
