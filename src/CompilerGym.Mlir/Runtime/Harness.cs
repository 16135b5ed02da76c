using System.Globalization;
using System.Text;
using CompilerGym.Llvm.Execution;
using CompilerGym.Llvm.Tools;
using CompilerGym.Mlir.Benchmarks;
using CompilerGym.Mlir.Core;
using SandboxedRun = CompilerGym.Llvm.Execution.RunResult;

namespace CompilerGym.Mlir.Runtime;

/// <summary>What one run of a kernel gave: a checksum of its output and its median time per call.</summary>
public sealed record RunResult(string Checksum, long MedianNanoseconds, int Calls);

/// <summary>
/// Runs a lowered kernel natively: a generated C program allocates its arguments, fills the inputs
/// with small integers (exact in f32, so any summation order gives the same output bit for bit),
/// calls the kernel once to warm up, then times calls until a time budget is spent, and prints a
/// checksum of the output and the median time. Each run builds the executable in a temporary
/// folder, runs it in llvm-v0's sandbox (<see cref="ProgramRunner"/>) and deletes the folder: the
/// results are what callers keep, per state.
/// </summary>
public static class Harness
{
    public const string Clang = "clang-22";

    /// <summary>The back end's optimization level for the states of an episode (the <c>default lowering</c>).</summary>
    public const string Optimized = "-O3";

    /// <summary>No optimization by LLVM either: the untransformed kernel.</summary>
    public const string Unoptimized = "-O0";

    /// <summary>
    /// MLIR's runtime library (libmlir-22): a copy between memrefs of non-contiguous layouts, as
    /// some fusions leave, lowers to a call of its <c>memrefCopy</c>. Linked only as needed, and
    /// without resolving its own dependencies (libMLIR, libLLVM) at link time: reading their
    /// symbols took most of a second of every build, whether the kernel called it or not.
    /// </summary>
    private static readonly string[] s_runtimeLibrary =
        ["-Wl,--as-needed,--allow-shlib-undefined", "-L/usr/lib/llvm-22/lib", "-lmlir_c_runner_utils", "-Wl,-rpath,/usr/lib/llvm-22/lib"];

    /// <summary>
    /// The caller's OpenMP settings, passed into the sandbox's fixed environment: OMP_NUM_THREADS
    /// (libomp runs a thread per core without it) and the like.
    /// </summary>
    private static readonly Dictionary<string, string> s_openMpSettings = System.Environment.GetEnvironmentVariables().Keys.Cast<string>()
        .Where(name => name.StartsWith("OMP_", StringComparison.Ordinal) || name.StartsWith("KMP_", StringComparison.Ordinal))
        .ToDictionary(name => name, name => System.Environment.GetEnvironmentVariable(name)!);

    /// <summary>
    /// The address space a kernel run may take: four times the cap on its arguments, leaving room
    /// for the temporaries a kernel allocates (a chain of elementwise operations makes several
    /// output-sized buffers), the C runtime and, for a parallel kernel, its threads' stacks and malloc arenas.
    /// </summary>
    public const long MemoryBytes = 4 * KernelSignature.MaxArgumentBytes;

    /// <summary>What a kernel run may write: the harness prints three short lines, or one error.</summary>
    public const long OutputBytes = 1L << 20;

    /// <summary>
    /// A run's wall time limit for a timing budget: the budget twenty times over, for a loaded
    /// machine, and a minute for the set-up and the calls made whatever the budget (a warm-up and three timed).
    /// </summary>
    public static TimeSpan DefaultTimeLimit(TimeSpan budget) => budget * 20 + TimeSpan.FromSeconds(60);

    /// <summary>
    /// Builds and runs a kernel. The run is stopped at <paramref name="timeLimit"/> of wall time,
    /// or that much CPU time per processor (a parallel kernel runs several threads), and limited
    /// to <see cref="MemoryBytes"/> and <see cref="OutputBytes"/>; a run that does not finish
    /// cleanly throws an <see cref="MlirException"/> naming the limit it ran into.
    /// </summary>
    public static RunResult Run(string llvmIr, KernelSignature signature, string optimization, TimeSpan budget, TimeSpan timeLimit)
    {
        string dir = Directory.CreateTempSubdirectory("cgym-mlir-").FullName;
        try
        {
            string output = Path.Combine(dir, "kernel");
            File.WriteAllText(Path.Combine(dir, "kernel.ll"), llvmIr);
            File.WriteAllText(Path.Combine(dir, "harness.c"), Source(signature));
            // -march=native: the kernel is timed on this machine, with its vector units. A kernel
            // with parallel tiles calls LLVM's OpenMP runtime (__kmpc_*), linked by -fopenmp; it
            // runs one thread per core unless OMP_NUM_THREADS says otherwise.
            string[] openmp = llvmIr.Contains("@__kmpc_", StringComparison.Ordinal) ? ["-fopenmp"] : [];
            var compile = ProcessRunner.Run(Clang, [optimization, "-march=native", .. openmp, "-Wno-override-module", "harness.c", "kernel.ll", .. s_runtimeLibrary, "-o", output],
                TimeSpan.FromMinutes(5), dir);
            if (compile.ExitCode != 0) throw new MlirException($"{Clang} could not build the kernel:\n{compile.Stderr.Trim()}");
            var limits = new RunLimits(timeLimit * Environment.ProcessorCount, timeLimit, MemoryBytes, OutputBytes);
            var run = ProgramRunner.Run(output, new RunSpec
            {
                Arguments = [((long)budget.TotalNanoseconds).ToString(CultureInfo.InvariantCulture)], Limits = limits, Environment = s_openMpSettings,
            });
            if (Failure(run, limits) is { } failure) throw new MlirException(failure);
            return Parse(Encoding.UTF8.GetString(run.Stdout));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // Why a run did not finish cleanly, naming the limit it ran into, or null if it did.
    private static string? Failure(SandboxedRun run, RunLimits limits) => run.Termination switch
    {
        RunTermination.Exited when run.ExitCode == 0 => null,
        RunTermination.WallTimeLimit => $"the kernel ran past its time limit of {Seconds(limits.WallTime)} and was stopped",
        RunTermination.CpuTimeLimit => $"the kernel ran past its CPU time limit of {Seconds(limits.CpuTime)} and was stopped",
        RunTermination.FileSizeLimit => $"the kernel wrote more than its output limit of {limits.FileBytes} bytes",
        // A kernel whose allocations fail past the memory limit crashes on the null pointer.
        RunTermination.Signaled => $"the kernel {run.Describe()} (its memory limit is {limits.MemoryBytes >> 30} GiB)",
        _ => $"the kernel {run.Describe()}",
    };

    private static string Seconds(TimeSpan time) => $"{time.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    private static RunResult Parse(string output)
    {
        var fields = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!fields.TryGetValue("checksum", out var checksum) || !fields.TryGetValue("median_ns", out var median) || !fields.TryGetValue("calls", out var calls))
            throw new MlirException($"unexpected output from the kernel harness: {output}");
        return new RunResult(checksum, long.Parse(median, CultureInfo.InvariantCulture), int.Parse(calls, CultureInfo.InvariantCulture));
    }

    /// <summary>The C program for a signature: memref descriptors as MLIR's C interface lays them out, by rank.</summary>
    internal static string Source(KernelSignature signature)
    {
        var c = new StringBuilder("""
            #define _POSIX_C_SOURCE 200809L
            #include <stdint.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <time.h>

            static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }
            static int compare(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }

            /* Small integers: exact in f32, and so are sums and products of a few thousand of them. */
            static float *input(int64_t n, int seed) {
              size_t bytes = (size_t)((n * 4 + 63) / 64 * 64);
              float *p = aligned_alloc(64, bytes);
              /* Beyond the sandbox's memory limit allocation fails: say so rather than crash. */
              if (!p && bytes) { fprintf(stderr, "cannot allocate %zu bytes for an argument\n", bytes); exit(1); }
              for (int64_t i = 0; i < n; i++) p[i] = (float)((i * 7 + seed * 3) % 5 - 2);
              return p;
            }

            """);
        foreach (int rank in signature.Args.Select(a => a.Shape.Count).Distinct())
            c.Append($"typedef struct {{ float *allocated, *aligned; int64_t offset, sizes[{rank}], strides[{rank}]; }} memref{rank};\n");
        c.Append($"void _mlir_ciface_{KernelSignature.FunctionName}({string.Join(", ", signature.Args.Select(a => $"memref{a.Shape.Count} *"))});\n\n");
        c.Append("int main(int argc, char **argv) {\n  double budget = argc > 1 ? atof(argv[1]) : 5e8;\n");
        for (int i = 0; i < signature.Args.Count; i++)
        {
            var arg = signature.Args[i];
            long stride = 1;
            var strides = new long[arg.Shape.Count];
            for (int d = arg.Shape.Count - 1; d >= 0; d--) { strides[d] = stride; stride *= arg.Shape[d]; }
            c.Append($"  memref{arg.Shape.Count} a{i} = {{ 0, 0, 0, {{{string.Join(", ", arg.Shape)}}}, {{{string.Join(", ", strides)}}} }};\n");
            c.Append($"  a{i}.allocated = a{i}.aligned = input({arg.Elements}, {i + 1});\n");
        }
        string call = $"_mlir_ciface_{KernelSignature.FunctionName}({string.Join(", ", Enumerable.Range(0, signature.Args.Count).Select(i => $"&a{i}"))})";
        int output = signature.Args.Count - 1;
        c.Append($$"""
              {{call}};
              enum { MaxCalls = 101 };
              double times[MaxCalls], spent = 0;
              int calls = 0;
              while (calls < MaxCalls && (calls < 3 || spent < budget)) {
                double start = now();
                {{call}};
                times[calls] = now() - start;
                spent += times[calls++];
              }
              qsort(times, calls, sizeof times[0], compare);
              /* The sum, and a sum weighted by position so that misplaced values show too. */
              double sum = 0, weighted = 0;
              for (int64_t i = 0; i < {{signature.Output.Elements}}; i++) {
                sum += a{{output}}.aligned[i];
                weighted += a{{output}}.aligned[i] * (double)(i % 7 + 1);
              }
              printf("checksum %.17g %.17g\nmedian_ns %.0f\ncalls %d\n", sum, weighted, times[calls / 2], calls);
              return 0;
            }

            """);
        return c.ToString();
    }
}
