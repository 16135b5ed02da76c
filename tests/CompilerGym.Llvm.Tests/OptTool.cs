using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Features;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Llvm.Tests;

/// <summary>Runs the stock opt-22 (and llc-22) on a file, to check the environment against LLVM's own tools.</summary>
internal static class OptTool
{
    /// <summary>The IR text opt-22 produces for a pipeline (an empty pipeline just round-trips).</summary>
    public static string RunToText(string input, string pipeline)
    {
        string[] passes = pipeline.Length == 0 ? [] : [$"-passes={pipeline}"];
        var result = ProcessRunner.Run(LlvmTools.Opt, [LlvmTools.OptTargetFlags, .. passes, input, "-S", "-o", "-"], TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, $"opt-22 failed: {result.Stderr}");
        return result.Stdout;
    }

    /// <summary>Instruction count of opt-22's output, read back as a module.</summary>
    public static long InstructionCount(string input, string pipeline)
    {
        using var module = LlvmModule.ParseIr(RunToText(input, pipeline), "opt-output");
        return InstCount.InstructionCount(module);
    }

    /// <summary>
    /// The <c>.text</c> bytes (every <c>.text*</c> section) of the object file llc-22 emits from a
    /// bitcode file with the environments' code generation flags, as llvm-size-22 reports them.
    /// </summary>
    public static long LlcTextSize(string bitcode, string? triple = null)
    {
        string obj = bitcode + ".llc.o";
        string[] target = triple is null ? [] : [$"-mtriple={triple}"];
        var llc = ProcessRunner.Run(LlvmTools.Llc, [.. target, .. LlvmTools.LlcFlags.Split(' '), bitcode, "-o", obj], TimeSpan.FromMinutes(1));
        Assert.True(llc.ExitCode == 0, llc.Stderr);
        var size = ProcessRunner.Run("llvm-size-22", ["-A", obj], TimeSpan.FromMinutes(1));
        Assert.True(size.ExitCode == 0, size.Stderr);
        return size.Stdout.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 2 && (f[0] == ".text" || f[0].StartsWith(".text.", StringComparison.Ordinal))).Sum(f => long.Parse(f[1]));
    }
}
