using CompilerGym.Llvm.Tools;

namespace CompilerGym.Cli.Tests;

/// <summary>Runs the built cgym command line as a user would, in its own process.</summary>
internal static class CgymProcess
{
    private static readonly string s_dll = Path.Combine(AppContext.BaseDirectory, "cgym.dll");

    public static ProcessResult Run(params string[] args) => ProcessRunner.Run("dotnet", [s_dll, .. args], TimeSpan.FromMinutes(3));
}
