using System.Runtime.InteropServices;
using CompilerGym.Llvm.Interop;

namespace CompilerGym.Llvm.Core;

/// <summary>
/// An LLVM target machine with the pass-builder options, as opt-22 sets them up: it runs pass
/// pipelines (target-aware cost models) and emits object code. Not thread-safe: one per session.
/// </summary>
public sealed class TargetMachine : IDisposable
{
    /// <summary>The triple used when a module names none and none is asked for.</summary>
    public const string DefaultTriple = "x86_64-pc-linux-gnu";

    private readonly TargetMachineHandle _machine;
    private readonly PassBuilderOptionsHandle _options;

    public string Triple { get; }

    public TargetMachine(string? triple = null) : this(triple, CodeGenOptLevel.Default) { }

    private TargetMachine(string? triple, CodeGenOptLevel level)
    {
        Triple = string.IsNullOrEmpty(triple) ? DefaultTriple : triple;
        // Empty CPU and features, as opt-22 without -mcpu: functions carry clang's target-cpu attributes.
        _machine = LibLlvm.LLVMCreateTargetMachine(Target(Triple), Triple, "", "", level, RelocMode.PIC, CodeModel.Default);
        if (_machine.IsInvalid) throw new LlvmException($"could not create a target machine for '{Triple}'");
        _options = LibLlvm.LLVMCreatePassBuilderOptions();
    }

    /// <summary>
    /// A target machine whose code generation does not optimize, as <c>clang -O0</c>'s: for building
    /// an unoptimized program, several times faster on a large one.
    /// </summary>
    public static TargetMachine Unoptimized(string? triple = null) => new(triple, CodeGenOptLevel.None);

    /// <summary>
    /// LLVM's normal form of a triple (<c>aarch64-linux-gnu</c> is <c>aarch64-unknown-linux-gnu</c>);
    /// an ArgumentException naming the targets there are when LLVM has no target for it here.
    /// </summary>
    public static string Normalize(string triple)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(triple);
        string normal = MessageHandle.Take(LibLlvm.LLVMNormalizeTargetTriple(triple.Trim()));
        Target(normal);
        return normal;
    }

    /// <summary>Whether code for the triple runs on this machine (the same architecture; the OS is Linux everywhere here).</summary>
    public static bool RunsHere(string triple) =>
        triple.Split('-')[0] == DefaultTriple.Split('-')[0];

    /// <summary>The data layout LLVM gives modules for this target.</summary>
    public string DataLayout
    {
        get
        {
            using var layout = LibLlvm.LLVMCreateTargetDataLayout(_machine);
            return MessageHandle.Take(LibLlvm.LLVMCopyStringRepOfTargetData(layout));
        }
    }

    private static nint Target(string triple)
    {
        LlvmRuntime.EnsureInitialized();
        if (LibLlvm.LLVMGetTargetFromTriple(triple, out nint target, out nint message) != 0)
            throw new ArgumentException($"unknown target triple '{triple}': {MessageHandle.Take(message).Trim()} " +
                $"(LLVM has these architectures here: {LlvmRuntime.Targets}; e.g. aarch64-linux-gnu)");
        return target;
    }

    /// <summary>Runs a textual new-pass-manager pipeline; returns whether any pass changed the module.</summary>
    public bool RunPasses(LlvmModule module, string pipeline)
    {
        Diagnostics.TakeErrors();
        nint error;
        int changed;
        using (Diagnostics.Operation($"running pipeline '{pipeline}' on {module.Name}"))
            error = LibCgymExt.cgym_run_passes(module.Handle, pipeline, _machine, _options, out changed);
        if (error != 0)
            throw LlvmRuntime.Error($"pipeline '{pipeline}' failed", new ErrorHandle(error).TakeMessage());
        return changed != 0;
    }

    /// <summary>Throws an LlvmException with LLVM's message unless the pipeline text parses.</summary>
    public void CheckPipeline(string pipeline)
    {
        // Running on an empty module parses the whole pipeline and costs next to nothing.
        using var empty = LlvmModule.ParseIr("", "pipeline-check");
        RunPasses(empty, pipeline);
    }

    /// <summary>The same through LLVM's own LLVMRunPasses (no change report): the baseline for overhead measurements.</summary>
    public void RunPassesBare(LlvmModule module, string pipeline)
    {
        nint error = LibLlvm.LLVMRunPasses(module.Handle, pipeline, _machine, _options);
        if (error != 0)
            throw LlvmRuntime.Error($"pipeline '{pipeline}' failed", new ErrorHandle(error).TakeMessage());
    }

    /// <summary>The total size of the <c>.text</c> sections of the module's object code (emitted from a clone: code generation changes the module it runs on).</summary>
    public long TextSizeBytes(LlvmModule module)
    {
        using var clone = module.CloneInContext();
        using var buffer = EmitToBuffer(clone);
        return TextSizeBytes(buffer, clone.Handle.Context);
    }

    /// <summary>The module's object file for the machine's target, emitted from a clone as <see cref="TextSizeBytes(LlvmModule)"/> is.</summary>
    public byte[] EmitObject(LlvmModule module)
    {
        using var clone = module.CloneInContext();
        using var buffer = EmitToBuffer(clone);
        return buffer.Span.ToArray();
    }

    /// <summary>The total size of the <c>.text</c> sections of an object file or executable.</summary>
    public static unsafe long TextSizeBytes(ReadOnlySpan<byte> file)
    {
        using var context = LibLlvm.LLVMContextCreate();
        MemoryBufferHandle buffer;
        fixed (byte* p = file) buffer = LibLlvm.LLVMCreateMemoryBufferWithMemoryRangeCopy(p, (nuint)file.Length, "binary");
        using (buffer) return TextSizeBytes(buffer, context);
    }

    private static long TextSizeBytes(MemoryBufferHandle buffer, ContextHandle context)
    {
        using var binary = LibLlvm.LLVMCreateBinary(buffer, context, out nint message);
        if (binary.IsInvalid) throw LlvmRuntime.Error("could not read the object file", MessageHandle.Take(message));
        long total = 0;
        using var section = LibLlvm.LLVMObjectFileCopySectionIterator(binary);
        for (; LibLlvm.LLVMObjectFileIsSectionIteratorAtEnd(binary, section) == 0; LibLlvm.LLVMMoveToNextSection(section))
        {
            string name = Marshal.PtrToStringUTF8(LibLlvm.LLVMGetSectionName(section)) ?? "";
            if (name == ".text" || name.StartsWith(".text.", StringComparison.Ordinal))
                total += (long)LibLlvm.LLVMGetSectionSize(section);
        }
        return total;
    }

    private MemoryBufferHandle EmitToBuffer(LlvmModule module)
    {
        Diagnostics.TakeErrors();
        if (LibLlvm.LLVMTargetMachineEmitToMemoryBuffer(_machine, module.Handle, CodeGenFileType.Object, out nint message, out var buffer) != 0)
        {
            buffer.Dispose();
            throw LlvmRuntime.Error("object code emission failed", MessageHandle.Take(message));
        }
        return buffer;
    }

    public void Dispose()
    {
        _options.Dispose();
        _machine.Dispose();
    }
}
