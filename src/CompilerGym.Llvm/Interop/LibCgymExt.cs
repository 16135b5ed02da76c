using System.Runtime.InteropServices;

namespace CompilerGym.Llvm.Interop;

/// <summary>The project's own native helper (native/cgym_llvm_ext.cpp), built beside libLLVM-22.</summary>
internal static partial class LibCgymExt
{
    private const string Lib = "cgym-llvm-ext";

    /// <summary>LLVMRunPasses, plus whether any pass reported a change (did not preserve all analyses).</summary>
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint cgym_run_passes(LlvmModuleHandle module, string passes, TargetMachineHandle machine,
        PassBuilderOptionsHandle options, out int changed);

    /// <summary>The module as bitcode that keeps every use list's order (LLVMWriteBitcodeToMemoryBuffer drops it).</summary>
    [LibraryImport(Lib)]
    internal static partial MemoryBufferHandle cgym_write_bitcode(LlvmModuleHandle module);
}
