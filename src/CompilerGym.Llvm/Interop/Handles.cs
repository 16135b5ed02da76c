using System.Runtime.InteropServices;

namespace CompilerGym.Llvm.Interop;

/// <summary>Base of the handles to owned LLVM objects: zero is invalid, release disposes.</summary>
internal abstract class LlvmHandle : SafeHandle
{
    protected LlvmHandle() : base(0, ownsHandle: true) { }
    protected LlvmHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);
    public override bool IsInvalid => handle == 0;
}

internal sealed class ContextHandle : LlvmHandle
{
    protected override bool ReleaseHandle() { LibLlvm.LLVMContextDispose(handle); return true; }
}

/// <summary>
/// A module. It keeps its context alive (a context deletes its modules when disposed, so the
/// module must go first), and it is released before the context whatever order the GC picks.
/// </summary>
internal sealed class LlvmModuleHandle : LlvmHandle
{
    private readonly ContextHandle _context;

    public LlvmModuleHandle(nint module, ContextHandle context) : base(module)
    {
        _context = context;
        bool added = false;
        context.DangerousAddRef(ref added);
    }

    public ContextHandle Context => _context;

    /// <summary>The raw pointer, kept valid until the lease is disposed (for walks over the IR).</summary>
    public Lease Borrow() => new(this);

    internal readonly ref struct Lease
    {
        private readonly LlvmModuleHandle _owner;
        public nint Pointer { get; }

        public Lease(LlvmModuleHandle owner)
        {
            _owner = owner;
            bool added = false;
            owner.DangerousAddRef(ref added);
            Pointer = owner.DangerousGetHandle();
        }

        public void Dispose() => _owner.DangerousRelease();
    }

    protected override bool ReleaseHandle()
    {
        LibLlvm.LLVMDisposeModule(handle);
        _context.DangerousRelease();
        return true;
    }
}

internal sealed class MemoryBufferHandle : LlvmHandle
{
    public MemoryBufferHandle() { }

    /// <summary>The buffer's bytes, valid while the handle lives.</summary>
    public unsafe ReadOnlySpan<byte> Span =>
        new((void*)LibLlvm.LLVMGetBufferStart(this), checked((int)LibLlvm.LLVMGetBufferSize(this)));

    /// <summary>Hands ownership to a callee that takes it (such as LLVMParseIRInContext).</summary>
    public nint Release()
    {
        nint h = handle;
        SetHandleAsInvalid();
        return h;
    }

    protected override bool ReleaseHandle() { LibLlvm.LLVMDisposeMemoryBuffer(handle); return true; }
}

internal sealed class TargetMachineHandle : LlvmHandle
{
    protected override bool ReleaseHandle() { LibLlvm.LLVMDisposeTargetMachine(handle); return true; }
}

internal sealed class TargetDataHandle : LlvmHandle
{
    protected override bool ReleaseHandle() { LibLlvm.LLVMDisposeTargetData(handle); return true; }
}

internal sealed class PassBuilderOptionsHandle : LlvmHandle
{
    protected override bool ReleaseHandle() { LibLlvm.LLVMDisposePassBuilderOptions(handle); return true; }
}

internal sealed class BinaryHandle : LlvmHandle
{
    protected override bool ReleaseHandle() { LibLlvm.LLVMDisposeBinary(handle); return true; }
}

internal sealed class SectionIteratorHandle : LlvmHandle
{
    protected override bool ReleaseHandle() { LibLlvm.LLVMDisposeSectionIterator(handle); return true; }
}

/// <summary>A string LLVM allocated for us (LLVMDisposeMessage frees it).</summary>
internal sealed class MessageHandle : LlvmHandle
{
    public MessageHandle(nint message) : base(message) { }
    public override string ToString() => IsInvalid ? "" : Marshal.PtrToStringUTF8(handle) ?? "";
    protected override bool ReleaseHandle() { LibLlvm.LLVMDisposeMessage(handle); return true; }

    /// <summary>Copies an LLVM-allocated message into a managed string and frees it.</summary>
    public static string Take(nint message)
    {
        using var owned = new MessageHandle(message);
        return owned.ToString();
    }
}

/// <summary>An LLVMErrorRef: reading its message consumes it, which is the only way we use it.</summary>
internal sealed class ErrorHandle : LlvmHandle
{
    public ErrorHandle(nint error) : base(error) { }

    /// <summary>The error's message; the error is consumed.</summary>
    public string TakeMessage()
    {
        nint message = LibLlvm.LLVMGetErrorMessage(handle);
        SetHandleAsInvalid();
        try { return Marshal.PtrToStringUTF8(message) ?? ""; }
        finally { LibLlvm.LLVMDisposeErrorMessage(message); }
    }

    protected override bool ReleaseHandle()
    {
        // An error nobody read must still be consumed; reading its message does that.
        LibLlvm.LLVMDisposeErrorMessage(LibLlvm.LLVMGetErrorMessage(handle));
        return true;
    }
}
