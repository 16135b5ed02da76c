using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CompilerGym.Llvm.Interop;

/// <summary>
/// The subset of libLLVM-22's C API the project uses. Owned objects travel as SafeHandles;
/// values, blocks and types are plain pointers owned by their module, so they stay <c>nint</c>.
/// The IR walkers are marked <see cref="SuppressGCTransitionAttribute"/>: they are tiny, never
/// block and never call back, and feature extraction calls them thousands of times per module.
/// </summary>
internal static partial class LibLlvm
{
    private const string Lib = "LLVM-22";

    // Contexts, diagnostics and errors.
    [LibraryImport(Lib)] internal static partial ContextHandle LLVMContextCreate();
    [LibraryImport(Lib)] internal static partial void LLVMContextDispose(nint context);
    [LibraryImport(Lib)] internal static partial void LLVMContextSetDiscardValueNames(ContextHandle context, int discard);
    [LibraryImport(Lib)] internal static unsafe partial void LLVMContextSetDiagnosticHandler(
        ContextHandle context, delegate* unmanaged<nint, nint, void> handler, nint state);
    [LibraryImport(Lib)] internal static partial nint LLVMGetDiagInfoDescription(nint diagnostic);
    [LibraryImport(Lib)] internal static partial int LLVMGetDiagInfoSeverity(nint diagnostic);
    [LibraryImport(Lib)] internal static partial void LLVMDisposeMessage(nint message);
    [LibraryImport(Lib)] internal static partial nint LLVMGetErrorMessage(nint error);
    [LibraryImport(Lib)] internal static partial void LLVMDisposeErrorMessage(nint message);
    [LibraryImport(Lib)] internal static partial void LLVMGetVersion(out uint major, out uint minor, out uint patch);
    [LibraryImport(Lib)] internal static unsafe partial void LLVMInstallFatalErrorHandler(delegate* unmanaged<nint, void> handler);

    // Memory buffers.
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial MemoryBufferHandle LLVMCreateMemoryBufferWithMemoryRangeCopy(byte* data, nuint length, string name);
    [LibraryImport(Lib)] internal static partial void LLVMDisposeMemoryBuffer(nint buffer);
    [LibraryImport(Lib)] internal static partial nint LLVMGetBufferStart(MemoryBufferHandle buffer);
    [LibraryImport(Lib)] internal static partial nuint LLVMGetBufferSize(MemoryBufferHandle buffer);

    // Modules: parsing, printing, cloning, verifying.
    [LibraryImport(Lib)] internal static partial int LLVMParseIRInContext(ContextHandle context, nint buffer, out nint module, out nint message);
    [LibraryImport(Lib)] internal static partial int LLVMParseBitcodeInContext2(ContextHandle context, MemoryBufferHandle buffer, out nint module);
    [LibraryImport(Lib)] internal static partial void LLVMDisposeModule(nint module);
    [LibraryImport(Lib)] internal static partial nint LLVMCloneModule(LlvmModuleHandle module);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint LLVMGetNamedFunction(LlvmModuleHandle module, string name);
    [LibraryImport(Lib)] internal static partial nint LLVMPrintModuleToString(LlvmModuleHandle module);
    [LibraryImport(Lib)] internal static partial int LLVMVerifyModule(LlvmModuleHandle module, int action, out nint message);
    [LibraryImport(Lib)] internal static partial nint LLVMGetTarget(LlvmModuleHandle module);
    [LibraryImport(Lib)] internal static partial nint LLVMGetDataLayoutStr(LlvmModuleHandle module);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void LLVMSetTarget(LlvmModuleHandle module, string triple);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial void LLVMSetDataLayout(LlvmModuleHandle module, string layout);

    // Targets.
    [LibraryImport(Lib)] internal static partial void LLVMInitializeX86TargetInfo();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeX86Target();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeX86TargetMC();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeX86AsmPrinter();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeX86AsmParser();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeAArch64TargetInfo();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeAArch64Target();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeAArch64TargetMC();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeAArch64AsmPrinter();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeAArch64AsmParser();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeRISCVTargetInfo();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeRISCVTarget();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeRISCVTargetMC();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeRISCVAsmPrinter();
    [LibraryImport(Lib)] internal static partial void LLVMInitializeRISCVAsmParser();
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial nint LLVMNormalizeTargetTriple(string triple);
    [LibraryImport(Lib)] internal static partial TargetDataHandle LLVMCreateTargetDataLayout(TargetMachineHandle machine);
    [LibraryImport(Lib)] internal static partial nint LLVMCopyStringRepOfTargetData(TargetDataHandle data);
    [LibraryImport(Lib)] internal static partial void LLVMDisposeTargetData(nint data);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LLVMGetTargetFromTriple(string triple, out nint target, out nint message);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial TargetMachineHandle LLVMCreateTargetMachine(nint target, string triple, string cpu, string features,
        CodeGenOptLevel level, RelocMode reloc, CodeModel codeModel);
    [LibraryImport(Lib)] internal static partial void LLVMDisposeTargetMachine(nint machine);
    [LibraryImport(Lib)] internal static partial int LLVMTargetMachineEmitToMemoryBuffer(TargetMachineHandle machine, LlvmModuleHandle module,
        CodeGenFileType fileType, out nint message, out MemoryBufferHandle buffer);

    // The new pass manager.
    [LibraryImport(Lib)] internal static partial PassBuilderOptionsHandle LLVMCreatePassBuilderOptions();
    [LibraryImport(Lib)] internal static partial void LLVMDisposePassBuilderOptions(nint options);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nint LLVMRunPasses(LlvmModuleHandle module, string passes, TargetMachineHandle machine, PassBuilderOptionsHandle options);

    // Object files.
    [LibraryImport(Lib)] internal static partial BinaryHandle LLVMCreateBinary(MemoryBufferHandle buffer, ContextHandle context, out nint message);
    [LibraryImport(Lib)] internal static partial void LLVMDisposeBinary(nint binary);
    [LibraryImport(Lib)] internal static partial SectionIteratorHandle LLVMObjectFileCopySectionIterator(BinaryHandle binary);
    [LibraryImport(Lib)] internal static partial int LLVMObjectFileIsSectionIteratorAtEnd(BinaryHandle binary, SectionIteratorHandle iterator);
    [LibraryImport(Lib)] internal static partial void LLVMMoveToNextSection(SectionIteratorHandle iterator);
    [LibraryImport(Lib)] internal static partial nint LLVMGetSectionName(SectionIteratorHandle iterator);
    [LibraryImport(Lib)] internal static partial ulong LLVMGetSectionSize(SectionIteratorHandle iterator);
    [LibraryImport(Lib)] internal static partial void LLVMDisposeSectionIterator(nint iterator);

    // IR walking (hot: see the class comment).
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMGetFirstFunction(nint module);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMGetNextFunction(nint function);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial int LLVMIsDeclaration(nint global);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMGetFirstBasicBlock(nint function);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMGetNextBasicBlock(nint block);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMGetFirstInstruction(nint block);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMGetNextInstruction(nint instruction);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMGetBasicBlockTerminator(nint block);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial Opcode LLVMGetInstructionOpcode(nint instruction);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial int LLVMGetNumOperands(nint user);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMGetOperand(nint user, uint index);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial uint LLVMGetNumSuccessors(nint terminator);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMGetSuccessor(nint terminator, uint index);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial int LLVMIsConditional(nint branch);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial uint LLVMCountIncoming(nint phi);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial uint LLVMGetNumArgOperands(nint call);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMGetCalledValue(nint call);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMGlobalGetValueType(nint global);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMGetReturnType(nint functionType);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMTypeOf(nint value);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial TypeKind LLVMGetTypeKind(nint type);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial uint LLVMGetIntTypeWidth(nint type);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial ulong LLVMConstIntGetZExtValue(nint constant);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial int LLVMIsNull(nint constant);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMIsAConstant(nint value);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMIsAConstantInt(nint value);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMIsAFunction(nint value);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMIsAUnaryInstruction(nint value);
    [LibraryImport(Lib), SuppressGCTransition] internal static partial nint LLVMIsABinaryOperator(nint value);
}

internal enum CodeGenOptLevel { None, Less, Default, Aggressive }
internal enum RelocMode { Default, Static, PIC, DynamicNoPic, Ropi, Rwpi, RopiRwpi }
internal enum CodeModel { Default, JITDefault, Tiny, Small, Kernel, Medium, Large }
internal enum CodeGenFileType { Assembly, Object }
internal enum DiagnosticSeverity { Error, Warning, Remark, Note }
internal enum VerifierFailureAction { AbortProcess, PrintMessage, ReturnStatus }

/// <summary>The LLVMTypeKind values the project inspects.</summary>
internal enum TypeKind { Integer = 8, Function = 9, Pointer = 12 }
