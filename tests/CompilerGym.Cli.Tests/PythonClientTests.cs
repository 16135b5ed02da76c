using CompilerGym.Llvm.Tools;

namespace CompilerGym.Cli.Tests;

/// <summary>
/// The Python client's own tests (tests/python, pytest with Debian's python3), run against this
/// build's <c>cgym serve</c>, so that one <c>dotnet test</c> covers both clients.
/// </summary>
public class PythonClientTests
{
    [Fact]
    public void The_python_client_tests_pass()
    {
        string repo = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(repo, "CompilerGym.sln"))) repo = Path.GetDirectoryName(repo) ?? throw new DirectoryNotFoundException("no CompilerGym.sln above the test folder");
        string cgym = Path.Combine(AppContext.BaseDirectory, "cgym.dll");
        var run = ProcessRunner.Run("/usr/bin/python3", ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/python"],
            TimeSpan.FromMinutes(15), repo, new Dictionary<string, string> { ["CGYM_SERVE_COMMAND"] = $"dotnet {cgym} serve" });
        Assert.True(run.ExitCode == 0, $"pytest failed (exit {run.ExitCode}):\n{run.Stdout}\n{run.Stderr}");
        Assert.Contains(" passed", run.Stdout);
    }
}
