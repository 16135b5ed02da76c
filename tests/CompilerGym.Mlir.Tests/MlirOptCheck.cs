using System.Diagnostics;
using CompilerGym.Mlir.Env;

namespace CompilerGym.Mlir.Tests;

internal static class MlirOptCheck
{
    /// <summary>Runs the env's Commandline() with bash in a fresh folder and checks that mlir-opt-22 writes the env's MLIR text.</summary>
    public static void AssertCommandlineReproduces(MlirEnv env)
    {
        string dir = Directory.CreateTempSubdirectory("cgym-mlir-test-").FullName;
        try
        {
            var shell = Process.Start(new ProcessStartInfo("bash", ["-c", env.Commandline()]) { WorkingDirectory = dir, RedirectStandardError = true })!;
            string stderr = shell.StandardError.ReadToEnd();
            shell.WaitForExit();
            Assert.True(shell.ExitCode == 0, stderr);
            Assert.Equal(env.Observe(MlirSpaces.Mlir).AsText(), File.ReadAllText(Path.Combine(dir, "output.mlir")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
