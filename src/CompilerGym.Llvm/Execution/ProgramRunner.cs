using System.Diagnostics;
using System.Runtime.InteropServices;
using CompilerGym.Llvm.Interop;

namespace CompilerGym.Llvm.Execution;

/// <summary>
/// Runs a program as its run spec says, sandboxed: in a fresh temporary folder (deleted after),
/// in a session and process group of its own, with CPU time, memory and file size limits
/// (setrlimit), a fixed small environment, and a wall time limit after which the whole process
/// group is killed. Whatever is left of the group when the program exits is killed too.
/// </summary>
public static class ProgramRunner
{
    // The launcher: report its pid, wait for the go line (meanwhile its limits are set and a counter
    // may be attached), then redirect stdin/stdout/stderr to files and become the command by exec,
    // so that no extra process sits between the runner and the program.
    private const string Launcher = """echo $$; read -r go; exec <"$1" >"$2" 2>"$3"; shift 3; exec "$@" """;

    /// <summary>
    /// Runs <paramref name="program"/> with the spec's arguments, inputs and limits (or
    /// <paramref name="limits"/>), under <paramref name="wrapper"/> if given (a command that runs
    /// the program, such as valgrind), optionally counting a performance event.
    /// </summary>
    public static RunResult Run(string program, RunSpec spec, IReadOnlyList<string>? wrapper = null, RunLimits? limits = null, PerfEvent? counter = null)
    {
        limits ??= spec.Limits;
        string root = Directory.CreateTempSubdirectory("cgym-run-").FullName;
        try
        {
            string runDirectory = Path.Combine(root, "run");
            PlaceInputs(spec, runDirectory);
            string[] command = [.. wrapper ?? [], program, .. spec.ArgumentsIn(runDirectory)];
            string stdin = spec.Stdin is null ? "/dev/null" : Path.Combine(runDirectory, spec.Stdin);
            string stdout = Path.Combine(root, "stdout"), stderr = Path.Combine(root, "stderr");
            var info = StartInfo(runDirectory, [stdin, stdout, stderr, .. command]);
            foreach (var (name, value) in spec.Environment) info.Environment[name] = value;

            using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
            try
            {
                // setsid forks when its caller leads a process group already: the group would then not be the pid we hold.
                if (process.StandardOutput.ReadLine() != process.Id.ToString())
                    throw new InvalidOperationException($"the sandbox launcher for {program} did not start as process {process.Id}");
                SetLimits(process.Id, limits);
                using var perf = counter is null ? null : PerfCounter.Attach(counter, process.Id);
                var clock = Stopwatch.StartNew();
                process.StandardInput.WriteLine();
                process.StandardInput.Close();
                bool finished = process.WaitForExit(limits.WallTime);
                var wallTime = clock.Elapsed;
                if (!finished)
                {
                    KillGroup(process.Id);
                    process.WaitForExit();
                }
                var termination = finished ? RunResult.FromExitCode(process.ExitCode) : RunTermination.WallTimeLimit;
                return new RunResult(termination, process.ExitCode, File.ReadAllBytes(stdout), File.ReadAllText(stderr),
                    spec.OutputFiles.ToDictionary(f => f, f => ReadIfExists(Path.Combine(runDirectory, f))), wallTime, perf?.Read());
            }
            finally
            {
                // What the program left running (or everything, after an exception) must not outlive the run.
                KillGroup(process.Id);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    // The inputs, and the folders the output files go in.
    private static void PlaceInputs(RunSpec spec, string runDirectory)
    {
        Directory.CreateDirectory(runDirectory);
        foreach (string output in spec.OutputFiles) Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(runDirectory, output))!);
        foreach (var input in spec.Inputs)
        {
            string target = Path.Combine(runDirectory, input.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(input.Source, target);
        }
    }

    // setsid makes the launcher (and so the program, which it becomes by exec) a session and
    // process group leader: the group id is the pid we hold. The environment is fixed, so that runs
    // do not depend on the caller's (and callgrind's stack layout stays the same from run to run).
    private static ProcessStartInfo StartInfo(string runDirectory, IEnumerable<string> launcherArguments)
    {
        var info = new ProcessStartInfo("/usr/bin/setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = runDirectory,
        };
        foreach (var a in (string[])["/bin/sh", "-c", Launcher, "sh", .. launcherArguments]) info.ArgumentList.Add(a);
        info.Environment.Clear();
        info.Environment["PATH"] = "/usr/bin:/bin";
        info.Environment["LC_ALL"] = "C";
        info.Environment["HOME"] = runDirectory;
        info.Environment["TMPDIR"] = runDirectory;
        return info;
    }

    // Limits survive exec, so setting them on the waiting launcher sets them on the program. The soft
    // CPU limit sends SIGXCPU; the hard one, a second later, kills a program that ignores it.
    private static void SetLimits(int pid, RunLimits limits)
    {
        ulong cpu = (ulong)Math.Max(1, Math.Ceiling(limits.CpuTime.TotalSeconds));
        SetLimit(pid, LibC.RlimitCpu, new(cpu, cpu + 1));
        SetLimit(pid, LibC.RlimitAs, new((ulong)limits.MemoryBytes, (ulong)limits.MemoryBytes));
        SetLimit(pid, LibC.RlimitFsize, new((ulong)limits.FileBytes, (ulong)limits.FileBytes));
        SetLimit(pid, LibC.RlimitCore, new(0, 0));
    }

    private static unsafe void SetLimit(int pid, int resource, LibC.RLimit limit)
    {
        if (LibC.Prlimit(pid, resource, &limit, null) != 0)
            throw new InvalidOperationException($"could not set resource limit {resource} of process {pid}: {Marshal.GetLastPInvokeErrorMessage()}");
    }

    private static void KillGroup(int processGroup) => LibC.Kill(-processGroup, LibC.SigKill);

    private static byte[]? ReadIfExists(string path) => File.Exists(path) ? File.ReadAllBytes(path) : null;
}
