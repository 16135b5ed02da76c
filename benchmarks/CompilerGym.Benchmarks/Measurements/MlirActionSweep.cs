using System.Diagnostics;
using CompilerGym.Mlir.Actions;
using CompilerGym.Mlir.Tests;

namespace CompilerGym.Benchmarks.Measurements;

/// <summary>
/// Every action of mlir-22-loop-nest on small kernels: where an action applies, the kernel's output
/// must not change, and every kind must apply somewhere. The tests check a sample of the actions;
/// this checks them all (each applied action builds and runs the kernel: about two minutes).
/// </summary>
internal static class MlirActionSweep
{
    public static int Run(IReadOnlyList<string> kernels)
    {
        int failures = 0;
        foreach (string kernel in kernels)
        {
            var clock = Stopwatch.StartNew();
            using var sweep = new ActionSweep(kernel);
            var applied = new List<MlirAction>();
            var inapplicable = new List<string>();
            foreach (var action in sweep.Actions)
            {
                string? outcome = sweep.OutputAfter(action);
                if (outcome is null) { inapplicable.Add(action.Name); continue; }
                applied.Add(action);
                if (outcome == sweep.Reference) continue;
                failures++;
                Console.WriteLine($"{kernel}: after {action.Name} the output checksum is {outcome}, expected {sweep.Reference}");
            }
            foreach (var kind in ActionSweep.KindsThatApply(kernel).Where(k => !applied.Any(a => a.Kind == k)))
            {
                failures++;
                Console.WriteLine($"{kernel}: no {kind} action applies");
            }
            Console.WriteLine($"{kernel}: {applied.Count} actions applied in {clock.Elapsed.TotalSeconds:F0} s; inapplicable: {string.Join(" ", inapplicable)}");
        }
        Console.WriteLine(failures == 0 ? "Every applied action kept the output." : $"{failures} failures");
        return failures == 0 ? 0 : 1;
    }
}
