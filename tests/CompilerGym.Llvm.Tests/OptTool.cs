using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Features;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Llvm.Tests;

/// <summary>Runs the stock opt-22 on a file, to check the environment against LLVM's own tool.</summary>
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
}
