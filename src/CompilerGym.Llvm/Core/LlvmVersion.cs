using CompilerGym.Llvm.Interop;

namespace CompilerGym.Llvm.Core;

/// <summary>The version of the libLLVM loaded in this process.</summary>
public static class LlvmVersion
{
    public static string Text { get; } = Read();

    private static string Read()
    {
        LibLlvm.LLVMGetVersion(out uint major, out uint minor, out uint patch);
        return $"{major}.{minor}.{patch}";
    }
}
