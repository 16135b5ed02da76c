using System.Text;
using CompilerGym.Mlir.Interop;

namespace CompilerGym.Mlir.Core;

/// <summary>
/// An MLIR module in a context of its own (every upstream dialect registered), so that modules
/// can be used on different threads at once. Everything goes through the in-process shim.
/// </summary>
public sealed class MlirModule : IDisposable
{
    private readonly MlirModuleHandle _handle;

    /// <summary>Where the module came from, for messages.</summary>
    public string Name { get; }

    private MlirModule(MlirModuleHandle handle, string name)
    {
        _handle = handle;
        Name = name;
    }

    /// <summary>Parses and verifies MLIR text; a malformed module throws with MLIR's diagnostics.</summary>
    public static unsafe MlirModule Parse(string text, string name)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        fixed (byte* data = bytes)
        {
            if (LibCgymMlir.cgym_mlir_parse(data, (nuint)bytes.Length, name, out var handle, out nint error) != 0)
                throw new MlirException($"invalid MLIR in '{name}':\n{LibCgymMlir.Take(error)}");
            return new MlirModule(handle, name);
        }
    }

    /// <summary>Runs a pass pipeline anchored on the module, <c>builtin.module(...)</c>, as mlir-opt-22's --pass-pipeline does.</summary>
    public void RunPipeline(string pipeline)
    {
        if (LibCgymMlir.cgym_mlir_run_pipeline(_handle, pipeline, out nint error) != 0)
            throw new MlirException(LibCgymMlir.Take(error));
    }

    /// <summary>The module as text, exactly as mlir-opt-22 writes it (with its final newline).</summary>
    public string ToText()
    {
        LibCgymMlir.cgym_mlir_print(_handle, 0, out nint text, out _);
        return LibCgymMlir.Take(text) + "\n";
    }

    /// <summary>An independent copy in a new context.</summary>
    public MlirModule Clone()
    {
        if (LibCgymMlir.cgym_mlir_clone(_handle, out var clone, out nint error) != 0)
            throw new MlirException($"could not copy '{Name}': {LibCgymMlir.Take(error)}");
        return new MlirModule(clone, Name);
    }

    /// <summary>LLVM IR text of a module already lowered to the LLVM dialect.</summary>
    public string ToLlvmIr()
    {
        if (LibCgymMlir.cgym_mlir_translate_to_llvm_ir(_handle, out nint ir, out nint error) != 0)
            throw new MlirException($"could not translate '{Name}' to LLVM IR:\n{LibCgymMlir.Take(error)}");
        return LibCgymMlir.Take(ir);
    }

    /// <summary>Module-level loop features, then per-operation features of up to <paramref name="maxOps"/> linalg operations; see <see cref="LoopFeatures"/>.</summary>
    public unsafe (long[] Module, long[][] Ops) RawLoopFeatures(int maxOps)
    {
        var values = new long[LibCgymMlir.ModuleFeatures + LibCgymMlir.OpFeatures * maxOps];
        nuint count;
        fixed (long* data = values) LibCgymMlir.cgym_mlir_loop_features(_handle, data, (nuint)maxOps, out count);
        int ops = Math.Min((int)count, maxOps);
        return (values[..LibCgymMlir.ModuleFeatures],
            [.. Enumerable.Range(0, ops).Select(i => values.AsSpan(LibCgymMlir.ModuleFeatures + i * LibCgymMlir.OpFeatures, LibCgymMlir.OpFeatures).ToArray())]);
    }

    public void Dispose() => _handle.Dispose();
}
