using CompilerGym.Llvm.Interop;

namespace CompilerGym.Llvm.Core;

/// <summary>One-time process set-up of LLVM: the x86 target and the fatal error handler.</summary>
internal static class LlvmRuntime
{
    private static readonly Lock s_lock = new();
    private static bool s_initialized;

    public static void EnsureInitialized()
    {
        if (Volatile.Read(ref s_initialized)) return;
        lock (s_lock)
        {
            if (s_initialized) return;
            LibLlvm.LLVMInitializeX86TargetInfo();
            LibLlvm.LLVMInitializeX86Target();
            LibLlvm.LLVMInitializeX86TargetMC();
            LibLlvm.LLVMInitializeX86AsmPrinter();
            LibLlvm.LLVMInitializeX86AsmParser();
            Diagnostics.InstallFatalErrorHandler();
            Volatile.Write(ref s_initialized, true);
        }
    }

    /// <summary>An <see cref="LlvmException"/> saying what failed, with LLVM's message and any error diagnostics it reported on this thread.</summary>
    public static LlvmException Error(string context, string? message = null)
    {
        var diagnostics = Diagnostics.TakeErrors();
        string detail = string.Join("; ", new[] { message }.Concat(diagnostics).Where(s => !string.IsNullOrWhiteSpace(s)));
        return new LlvmException(detail.Length == 0 ? context : $"{context}: {detail.Trim()}");
    }
}
