using System.Text;
using CompilerGym.Llvm.Interop;

namespace CompilerGym.Llvm.Core;

/// <summary>
/// An LLVM module in a context of its own, so that modules (and the sessions holding them) can be
/// used on different threads at once. Clones made for object emission share the context.
/// </summary>
public sealed class LlvmModule : IDisposable
{
    internal LlvmModuleHandle Handle { get; }

    /// <summary>Where the module came from (a file, a benchmark URI), for messages.</summary>
    public string Name { get; }

    private LlvmModule(LlvmModuleHandle handle, string name)
    {
        Handle = handle;
        Name = name;
    }

    /// <summary>Parses bitcode (raw or wrapped) or textual IR, deciding by the leading magic bytes.</summary>
    public static LlvmModule Parse(ReadOnlySpan<byte> data, string name) =>
        IsBitcode(data) ? ParseBitcode(data, name) : ParseIr(data, name);

    public static bool IsBitcode(ReadOnlySpan<byte> data) =>
        data.StartsWith(RawBitcodeMagic) || data.StartsWith(WrappedBitcodeMagic);

    private static ReadOnlySpan<byte> RawBitcodeMagic => [(byte)'B', (byte)'C', 0xC0, 0xDE];
    private static ReadOnlySpan<byte> WrappedBitcodeMagic => [0xDE, 0xC0, 0x17, 0x0B];

    /// <param name="discardValueNames">Read without the names of local values (as <c>opt-22 --discard-value-names</c> does), to compare programs whose names were made in different orders.</param>
    public static LlvmModule ParseBitcode(ReadOnlySpan<byte> bitcode, string name, bool discardValueNames = false)
    {
        var context = NewContext();
        if (discardValueNames) LibLlvm.LLVMContextSetDiscardValueNames(context, 1);
        using var buffer = CopyToBuffer(bitcode, name);
        Diagnostics.TakeErrors();
        if (LibLlvm.LLVMParseBitcodeInContext2(context, buffer, out nint module) != 0)
        {
            context.Dispose();
            throw LlvmRuntime.Error($"invalid LLVM bitcode in '{name}'");
        }
        return new LlvmModule(AdoptWithContext(module, context), name);
    }

    public static LlvmModule ParseIr(ReadOnlySpan<byte> text, string name)
    {
        var context = NewContext();
        // LLVMParseIRInContext takes ownership of the buffer, whatever the outcome.
        var buffer = CopyToBuffer(text, name);
        Diagnostics.TakeErrors();
        if (LibLlvm.LLVMParseIRInContext(context, buffer.Release(), out nint module, out nint message) != 0)
        {
            string what = MessageHandle.Take(message);
            context.Dispose();
            throw LlvmRuntime.Error($"invalid LLVM IR in '{name}'", what);
        }
        return new LlvmModule(AdoptWithContext(module, context), name);
    }

    public static LlvmModule ParseIr(string text, string name) => ParseIr(Encoding.UTF8.GetBytes(text), name);

    /// <summary>A copy in a new context, independent of this one (a bitcode round trip that keeps use-list order, so the copy is the same state).</summary>
    public LlvmModule Fork() => ParseBitcode(ToBitcode(), Name);

    /// <summary>A copy in the same context: cheap, but only for use on this module's thread.</summary>
    internal LlvmModule CloneInContext() => new(Adopt(LibLlvm.LLVMCloneModule(Handle), Handle.Context), Name);

    /// <summary>The module as bitcode, with the order of its use lists: read back (here or by opt-22) it is the same state.</summary>
    public byte[] ToBitcode()
    {
        using var buffer = LibCgymExt.cgym_write_bitcode(Handle);
        return buffer.Span.ToArray();
    }

    public string ToText() => MessageHandle.Take(LibLlvm.LLVMPrintModuleToString(Handle));

    public string TargetTriple => System.Runtime.InteropServices.Marshal.PtrToStringUTF8(LibLlvm.LLVMGetTarget(Handle)) ?? "";

    /// <summary>
    /// Gives a module that names no target this one (the triple, and the data layout unless it has
    /// one), as <c>opt-22 -mtriple=...</c> does, so that target-aware passes see the same target in both.
    /// </summary>
    public void SetTargetIfMissing(string triple, string dataLayout)
    {
        if (TargetTriple.Length > 0) return;
        LibLlvm.LLVMSetTarget(Handle, triple);
        if (string.IsNullOrEmpty(System.Runtime.InteropServices.Marshal.PtrToStringUTF8(LibLlvm.LLVMGetDataLayoutStr(Handle))))
            LibLlvm.LLVMSetDataLayout(Handle, dataLayout);
    }

    /// <summary>Whether the module defines (not just declares) a function of this name.</summary>
    public bool DefinesFunction(string name)
    {
        nint function = LibLlvm.LLVMGetNamedFunction(Handle, name);
        return function != 0 && LibLlvm.LLVMIsDeclaration(function) == 0;
    }

    /// <summary>Throws when the module is not valid IR (LLVM's verifier).</summary>
    public void Verify()
    {
        if (LibLlvm.LLVMVerifyModule(Handle, (int)VerifierFailureAction.ReturnStatus, out nint message) != 0)
            throw new LlvmException($"module fails verification: {MessageHandle.Take(message).Trim()}");
        MessageHandle.Take(message);
    }

    public void Dispose() => Handle.Dispose();

    private static ContextHandle NewContext()
    {
        LlvmRuntime.EnsureInitialized();
        var context = LibLlvm.LLVMContextCreate();
        Diagnostics.Attach(context);
        return context;
    }

    private static unsafe MemoryBufferHandle CopyToBuffer(ReadOnlySpan<byte> data, string name)
    {
        fixed (byte* p = data)
            return LibLlvm.LLVMCreateMemoryBufferWithMemoryRangeCopy(p, (nuint)data.Length, name);
    }

    private static LlvmModuleHandle Adopt(nint module, ContextHandle context)
    {
        if (module == 0) throw LlvmRuntime.Error("LLVM returned no module");
        return new LlvmModuleHandle(module, context);
    }

    /// <summary>Adopts a module in a fresh context; the context then lives exactly as long as its modules.</summary>
    private static LlvmModuleHandle AdoptWithContext(nint module, ContextHandle context)
    {
        try { return Adopt(module, context); }
        finally { context.Dispose(); }
    }
}
