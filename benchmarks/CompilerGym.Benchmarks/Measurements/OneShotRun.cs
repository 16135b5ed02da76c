using System.Diagnostics;
using CompilerGym.Agents.Portfolios;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Observations;
using Spectre.Console;

namespace CompilerGym.Benchmarks.Measurements;

/// <summary>
/// <c>cgym tune --one-shot</c>'s choice against -Oz, side by side on each program: a reset and
/// -Oz's pipeline in one env, then a reset and the shipped portfolio's one shot
/// (<see cref="OneShot"/>) on an env per core. Reports the costs, the wall times and what one shot
/// takes beyond -Oz, and how many programs were among the portfolio's training programs.
/// </summary>
internal static class OneShotRun
{
    private const string Cost = LlvmObservations.IrInstructionCount;

    public static int Run(IReadOnlyList<string> benchmarks)
    {
        var portfolio = LlvmEnvSpec.Instance.OneShotPortfolio(Cost) ?? throw new InvalidOperationException($"no portfolio for {Cost}");
        string oz = LlvmEnvSpec.Instance.FloorActions(LlvmActionSpace.Tune)[0];
        int lanes = Math.Min(portfolio.Sequences.Count, Environment.ProcessorCount);
        Console.WriteLine($"one shot: {portfolio.Sequences.Count} sequences on {lanes} envs; " +
            $"{benchmarks.Count(b => portfolio.TrainedOn.Contains(b))} of {benchmarks.Count} programs were among its {portfolio.TrainedOn.Count} training programs");
        var table = new Table().Border(TableBorder.Simple);
        foreach (var c in new[] { "program", "-Oz", "one shot", "÷ -Oz", "actions", "-Oz s", "one shot s", "beyond -Oz s" }) table.AddColumn(c);
        var ratios = new List<double>();
        double most = double.NegativeInfinity;
        var envs = Enumerable.Range(0, lanes).Select(_ => new LlvmEnv(actionSpace: LlvmActionSpace.Tune)).ToArray();
        try
        {
            foreach (string benchmark in benchmarks)
            {
                var clock = Stopwatch.StartNew();
                envs[0].Reset(benchmark);
                double ozCost = envs[0].StepByName([oz], new StepOptions([Cost])).Info.Observations[Cost].AsDouble();
                var ozTime = clock.Elapsed;
                var shot = OneShot.Apply(envs, benchmark, portfolio, Cost);
                double ratio = shot.Cost / ozCost, beyond = (shot.Elapsed - ozTime).TotalSeconds;
                ratios.Add(ratio);
                most = Math.Max(most, beyond);
                table.AddRow(benchmark.Split('/')[^1], $"{ozCost:N0}", $"{shot.Cost:N0}", $"{ratio:F3}", string.Join(", ", shot.Actions),
                    $"{ozTime.TotalSeconds:F2}", $"{shot.Elapsed.TotalSeconds:F2}", $"{beyond:+0.00;-0.00}");
            }
        }
        finally
        {
            foreach (var env in envs) env.Dispose();
        }
        AnsiConsole.Write(table);
        Console.WriteLine($"geometric mean ÷ -Oz: {Math.Exp(ratios.Average(Math.Log)):F3}; worst: {ratios.Max():F3}; most time beyond -Oz: {most:F2} s");
        return 0;
    }
}
