using System.Text;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Execution;

namespace CompilerGym.Llvm.Tests;

public sealed class SandboxTests : IDisposable
{
    // One CPU second, so that the CPU limit stops a spinning program even on a busy machine before the wall time limit does.
    private static readonly RunLimits s_cpuLimited = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), 256L << 20, 1L << 20);
    private static readonly RunLimits s_wallLimited = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), 256L << 20, 1L << 20);
    private readonly string _dir = Directory.CreateTempSubdirectory("cgym-sandbox-").FullName;
    private readonly BenchmarkStore _store = new([], []);

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void A_run_sees_the_fixed_environment_and_the_spec_s_variables_only()
    {
        var run = ProgramRunner.Run("/usr/bin/env", new RunSpec { Environment = new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" } });
        var variables = Encoding.UTF8.GetString(run.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=')[0]).Order();
        // PWD is the launcher shell's own.
        Assert.Equal(["HOME", "LC_ALL", "OMP_NUM_THREADS", "PATH", "PWD", "TMPDIR"], variables);
        Assert.Contains("OMP_NUM_THREADS=1\n", Encoding.UTF8.GetString(run.Stdout));
    }

    [Fact]
    public void A_program_that_spins_forever_is_stopped_by_its_cpu_limit_and_not_runnable()
    {
        string name = Unique("spin");
        string uri = WriteProgram(name, "int main(void) { volatile unsigned long n = 0; for (;;) n++; }");
        _store.SetRunSpec(uri, new RunSpec { Limits = s_cpuLimited });
        using var env = new LlvmEnv(_store);
        env.Reset(uri);

        Assert.Equal(0, env.Observe("IsRunnable").AsDouble());
        Assert.Equal(RunTermination.CpuTimeLimit, env.CurrentBenchmark!.Reference.Termination);
        Assert.Contains("CPU time limit", Assert.Throws<ObservationUnavailableException>(() => env.Observe("Runtime")).Message);
        Assert.Empty(ProcessesRunning(name));
    }

    [Fact]
    public void A_program_that_sleeps_forever_is_killed_at_its_wall_time_limit_with_its_children()
    {
        string name = Unique("sleeper");
        string uri = WriteProgram(name, """
            #include <unistd.h>
            int main(void) {
                if (fork() == 0) for (;;) pause();
                for (;;) pause();
            }
            """);
        _store.SetRunSpec(uri, new RunSpec { Limits = s_wallLimited });
        using var env = new LlvmEnv(_store);
        env.Reset(uri);

        var run = env.CurrentBenchmark!.Reference;
        Assert.Equal(RunTermination.WallTimeLimit, run.Termination);
        Assert.True(run.WallTime.TotalSeconds >= 0.99, $"stopped after {run.WallTime}, before its wall-time limit");
        Assert.Equal(0, env.Observe("IsRunnable").AsDouble());
        Assert.Empty(ProcessesRunning(name));
    }

    [Fact]
    public void A_program_that_does_not_link_is_not_runnable_and_says_why()
    {
        string uri = WriteProgram(Unique("unlinked"), "int missing_function(void);\nint main(void) { return missing_function(); }\n");
        using var env = new LlvmEnv(_store);
        env.Reset(uri);

        Assert.Equal(0, env.Observe("IsRunnable").AsDouble());
        Assert.Contains("missing_function", env.CurrentBenchmark!.NotRunnableReason);
        var error = Assert.Throws<ObservationUnavailableException>(() => env.Observe("Runtime"));
        Assert.Contains("its unoptimized build failed", error.Message);
        Assert.Contains("missing_function", error.Message);
        // Still an environment: steps and the observations that need no program work.
        env.Step(0);
        Assert.True(env.Observe("IrInstructionCount").AsDouble() > 0);
        Assert.True(env.Validate().Ok);
    }

    [Fact]
    public void Arguments_inputs_stdin_and_output_files_follow_the_run_spec()
    {
        string uri = WriteProgram(Unique("io"), """
            #include <stdio.h>
            int main(int argc, char **argv) {
                if (argc != 3) return 2;
                FILE *in = fopen(argv[1], "rb"), *out = fopen(argv[2], "w");
                long sum = 0; int c, n = 0;
                while ((c = fgetc(in)) != EOF) sum += c;
                while ((c = getchar()) != EOF) { fputc(c >= 'a' && c <= 'z' ? c - 32 : c, out); n++; }
                fclose(in); fclose(out);
                printf("sum=%ld stdin=%d\n", sum, n);
                return 3;
            }
            """);
        File.WriteAllBytes(Path.Combine(_dir, "data.bin"), [1, 2, 3, 250]);
        File.WriteAllText(Path.Combine(_dir, "text.txt"), "hello, sandbox\n");
        _store.SetRunSpec(uri, new RunSpec
        {
            Arguments = ["{input:data.bin}", "{output:out/upper.txt}"],
            Inputs = [new("data.bin", Path.Combine(_dir, "data.bin")), new("text.txt", Path.Combine(_dir, "text.txt"))],
            Stdin = "text.txt",
            OutputFiles = ["out/upper.txt"],
        });
        using var env = new LlvmEnv(_store);
        env.Reset(uri, new ResetOptions(CustomActions: ["default<O3>"]));

        var reference = env.CurrentBenchmark!.Reference;
        Assert.Equal((RunTermination.Exited, 3), (reference.Termination, reference.ExitCode));
        Assert.Equal("sum=256 stdin=15\n", Encoding.UTF8.GetString(reference.Stdout));
        Assert.Equal("HELLO, SANDBOX\n", Encoding.UTF8.GetString(reference.OutputFiles["out/upper.txt"]!));
        Assert.Equal(1, env.Observe("IsRunnable").AsDouble());
        env.Step(0);
        Assert.True(env.Validate().Ok);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../escape")]
    [InlineData("out/../../escape")]
    public void Run_specs_refuse_paths_outside_the_run_folder(string output) =>
        Assert.Throws<ArgumentException>(new RunSpec { OutputFiles = [output] }.Check);

    [Fact]
    public void Run_specs_refuse_placeholders_and_stdin_naming_no_file()
    {
        Assert.Contains("{input:missing}", Assert.Throws<ArgumentException>(() => new RunSpec { Arguments = ["{input:missing}"] }.Check()).Message);
        Assert.Throws<ArgumentException>(() => new RunSpec { Stdin = "missing" }.Check());
    }

    [Fact]
    public void A_performance_counter_counts_the_program_and_its_children()
    {
        if (PerfEvent.TaskClock.Unavailable() is not null) return; // perf_event_open is not allowed at all here
        string uri = WriteProgram(Unique("busy"), """
            #include <sys/wait.h>
            #include <unistd.h>
            static void spin(void) { volatile unsigned long n = 0; while (n < 100000000ul) n++; }
            int main(void) {
                if (fork() == 0) { spin(); _exit(0); }
                spin();
                wait(0);
                return 0;
            }
            """);
        var benchmark = _store.Get(uri);
        using var module = benchmark.Load();
        using var machine = new Core.TargetMachine();
        using var program = new BuiltProgram(module, machine, benchmark, RuntimeOptions.Default);
        var run = program.Executable.Run(counter: PerfEvent.TaskClock);
        // Task clock is in nanoseconds: two processes spinning for a while each.
        Assert.True(run.CounterValue > 2 * 50_000_000, $"task clock {run.CounterValue} ns over {run.WallTime}");
    }

    private string WriteProgram(string name, string source)
    {
        string path = Path.Combine(_dir, name + ".c");
        File.WriteAllText(path, source);
        return "file://" + path;
    }

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 13)];

    // Processes whose command line names the program (zombies have none), after a grace period for the kill to land.
    private static List<int> ProcessesRunning(string name)
    {
        List<int> found = [];
        for (int attempt = 0; attempt < 20; attempt++)
        {
            found = [.. Directory.EnumerateDirectories("/proc")
                .Select(d => int.TryParse(Path.GetFileName(d), out int pid) ? pid : 0)
                .Where(pid => pid > 0 && CommandLine(pid).Contains(name, StringComparison.Ordinal))];
            if (found.Count == 0) break;
            Thread.Sleep(100);
        }
        return found;
    }

    private static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline"); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }
}
