using System.Diagnostics;
using CompilerGym.Llvm.Datasets.Debian;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Llvm.Tests;

/// <summary>What a run produced: exit code, standard output and error, and the output files it wrote.</summary>
internal sealed record RunResult(int ExitCode, byte[] Stdout, string Stderr, IReadOnlyDictionary<string, byte[]> OutputFiles);

/// <summary>
/// Makes executables from a debian-v0 module at an optimization level (opt-22, llc-22, linked with
/// lld) and runs them as the program's record describes, in a scratch folder.
/// </summary>
internal static class DebianRunner
{
    private static readonly TimeSpan s_toolTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Builds an executable of the module at O0 (unoptimized), Oz or O3, in <paramref name="folder"/>.</summary>
    public static string Executable(string module, string level, DebianProgram program, string folder)
    {
        string input = module;
        if (level != "O0")
        {
            input = Path.Combine(folder, $"{level}.bc");
            Tool(LlvmTools.Opt, [$"-passes=default<{level}>", module, "-o", input]);
        }
        string obj = Path.Combine(folder, $"{level}.o");
        Tool("llc-22", [level == "O0" ? "-O0" : "-O2", "-filetype=obj", "-relocation-model=pic", input, "-o", obj]);
        string exe = Path.Combine(folder, $"{program.Name}-{level}");
        Tool(LlvmTools.Clang, ["-fuse-ld=lld", obj, "-o", exe, .. program.LinkFlags]);
        return exe;
    }

    /// <summary>Runs the program's own command on its inputs.</summary>
    public static RunResult Run(string executable, DebianProgram program) =>
        Run(executable, program.Arguments, program.InputFiles.ToDictionary(f => f.Name, f => f.Contents()), program.Stdin, program.OutputFiles);

    /// <summary>Runs an executable in a fresh scratch folder holding <paramref name="inputs"/>.</summary>
    public static RunResult Run(string executable, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, byte[]> inputs,
        string? stdin = null, IReadOnlyList<string>? outputFiles = null)
    {
        string scratch = Directory.CreateTempSubdirectory("cgym-run-").FullName;
        try
        {
            foreach (var (name, bytes) in inputs) File.WriteAllBytes(Path.Combine(scratch, name), bytes);
            var info = new ProcessStartInfo(executable)
            {
                WorkingDirectory = scratch,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var a in arguments) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var stdout = new MemoryStream();
            var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
            var stderr = process.StandardError.ReadToEndAsync();
            if (stdin is not null) process.StandardInput.BaseStream.Write(inputs[stdin]);
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{executable} ran for more than 2 minutes");
            }
            copy.Wait();
            return new RunResult(process.ExitCode, stdout.ToArray(), stderr.Result,
                (outputFiles ?? []).ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(scratch, f))));
        }
        finally { Directory.Delete(scratch, recursive: true); }
    }

    private static void Tool(string tool, IEnumerable<string> arguments)
    {
        var result = ProcessRunner.Run(tool, arguments, s_toolTimeout);
        Assert.True(result.ExitCode == 0, $"{tool} failed: {result.Stderr}");
    }
}
