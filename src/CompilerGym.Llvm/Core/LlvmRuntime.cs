using CompilerGym.Llvm.Interop;

namespace CompilerGym.Llvm.Core;

/// <summary>One-time process set-up of LLVM: the targets, and the fatal error handler.</summary>
internal static class LlvmRuntime
{
    private static readonly Lock s_lock = new();
    private static bool s_initialized;

    /// <summary>The targets initialized here, as a triple's architecture names them, for messages.</summary>
    public const string Targets = "x86_64, aarch64, riscv64";

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
            // The targets where code size matters most (phones, embedded boards).
            LibLlvm.LLVMInitializeAArch64TargetInfo();
            LibLlvm.LLVMInitializeAArch64Target();
            LibLlvm.LLVMInitializeAArch64TargetMC();
            LibLlvm.LLVMInitializeAArch64AsmPrinter();
            LibLlvm.LLVMInitializeAArch64AsmParser();
            LibLlvm.LLVMInitializeRISCVTargetInfo();
            LibLlvm.LLVMInitializeRISCVTarget();
            LibLlvm.LLVMInitializeRISCVTargetMC();
            LibLlvm.LLVMInitializeRISCVAsmPrinter();
            LibLlvm.LLVMInitializeRISCVAsmParser();
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
