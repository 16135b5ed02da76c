using CompilerGym.Core.Environments;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Cli.Tuning;

/// <summary>
/// The user's own test of a tuned program (<c>--test CMD</c>), run after the built-in validation: a
/// <c>/bin/sh</c> command, in the current folder, given the absolute path of the tuned executable (of
/// the machine file where there is none, such as a library's object code) in <see cref="Variable"/> and,
/// shell-quoted, for every <c>{}</c>. It passes by exiting with 0 within its time limit; otherwise the
/// result is invalid, and the end of the command's output says why.
/// </summary>
internal sealed record UserTest(string Command, TimeSpan TimeLimit)
{
    public const string Variable = "CGYM_TUNED";

    private const int TailChars = 1000;

    /// <summary>The validation after the test: still valid only if it passes; its text says how it went.</summary>
    public (bool Valid, string Validation) Check(TuneOutput files, string folder, bool valid, string validation)
    {
        string tuned = Path.GetFullPath(Path.Combine(folder, files.ExecutableFile ?? files.MachineFile));
        return Failure(tuned) is { } failure
            ? (false, $"{validation}; test `{Command}` failed: {failure}")
            : (valid, $"{validation}; test `{Command}` passed");
    }

    private string? Failure(string tuned)
    {
        try
        {
            // One stream, so that the tail shows errors where they came among the output.
            var run = ProcessRunner.Run("/bin/sh", ["-c", $"exec 2>&1\n{Command.Replace("{}", LlvmTools.ShellQuote(tuned))}"], TimeLimit,
                environment: new Dictionary<string, string> { [Variable] = tuned });
            return run.ExitCode == 0 ? null : $"exit code {run.ExitCode}, output ending: {Tail(run.Stdout)}";
        }
        catch (TimeoutException)
        {
            return $"it did not finish within {TimeLimit.TotalSeconds:G} s";
        }
    }

    private static string Tail(string output)
    {
        output = output.TrimEnd();
        return output.Length <= TailChars ? output : "..." + output[^TailChars..];
    }
}
