using CompilerGym.Llvm.Tools;

namespace CompilerGym.Cli.Tests;

/// <summary>Runs the built cgym command line as a user would, in its own process.</summary>
internal static class CgymProcess
{
    public static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "cgym.dll");

    public static ProcessResult Run(params string[] args) => Run(new Dictionary<string, string>(), args);

    /// <summary>Runs cgym with these environment variables set (an empty value counts as unset for cgym's own).</summary>
    public static ProcessResult Run(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        ProcessRunner.Run("dotnet", [Dll, .. args], TimeSpan.FromMinutes(3), environment: environment);
}
