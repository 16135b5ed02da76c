using System.Runtime.InteropServices;

namespace CompilerGym.Mlir.Interop;

/// <summary>The project's MLIR shim (native/mlir/cgym_mlir.cpp) over Debian's shared libMLIR 22.</summary>
internal static unsafe partial class LibCgymMlir
{
    private const string Lib = "cgym-mlir";

    public const int ModuleFeatures = 5;
    public const int OpFeatures = 22;

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int cgym_mlir_parse(byte* text, nuint length, string name, out MlirModuleHandle module, out nint error);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int cgym_mlir_run_pipeline(MlirModuleHandle module, string pipeline, out nint error);

    [LibraryImport(Lib)]
    internal static partial int cgym_mlir_print(MlirModuleHandle module, int generic, out nint text, out nint error);

    [LibraryImport(Lib)]
    internal static partial int cgym_mlir_clone(MlirModuleHandle module, out MlirModuleHandle clone, out nint error);

    [LibraryImport(Lib)]
    internal static partial int cgym_mlir_translate_to_llvm_ir(MlirModuleHandle module, out nint ir, out nint error);

    [LibraryImport(Lib)]
    internal static partial void cgym_mlir_loop_features(MlirModuleHandle module, long* values, nuint maxOps, out nuint count);

    [LibraryImport(Lib)]
    internal static partial void cgym_mlir_destroy(nint module);

    [LibraryImport(Lib)]
    internal static partial void cgym_mlir_free(nint text);

    /// <summary>Copies a string the shim allocated and frees it.</summary>
    public static string Take(nint text)
    {
        try { return Marshal.PtrToStringUTF8(text) ?? ""; }
        finally { if (text != 0) cgym_mlir_free(text); }
    }
}

/// <summary>Owns a module (and the MLIR context it lives in) made by the shim.</summary>
internal sealed class MlirModuleHandle : SafeHandle
{
    public MlirModuleHandle() : base(0, ownsHandle: true) { }
    public override bool IsInvalid => handle == 0;
    protected override bool ReleaseHandle() { LibCgymMlir.cgym_mlir_destroy(handle); return true; }
}
