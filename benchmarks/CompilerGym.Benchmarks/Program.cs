using BenchmarkDotNet.Running;

// Runs the suite: dotnet run -c Release --project benchmarks/CompilerGym.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
