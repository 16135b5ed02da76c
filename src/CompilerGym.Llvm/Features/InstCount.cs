using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Interop;
using static CompilerGym.Llvm.Interop.LibLlvm;

namespace CompilerGym.Llvm.Features;

/// <summary>
/// Instruction counts of a module: totals of instructions, blocks and defined functions, then one
/// count per LLVM opcode (the order of <see cref="Opcode"/>).
/// </summary>
public static class InstCount
{
    private static readonly Opcode[] s_opcodes = Enum.GetValues<Opcode>();
    private static readonly int[] s_indexOfOpcode = BuildIndex();

    /// <summary>The feature names, in vector order.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } =
        ["TotalInsts", "TotalBlocks", "TotalFuncs", .. s_opcodes.Select(o => $"Num{o}Inst")];

    public static long[] Compute(LlvmModule module)
    {
        var counts = new long[FeatureNames.Count];
        using var lease = module.Handle.Borrow();
        for (nint f = LLVMGetFirstFunction(lease.Pointer); f != 0; f = LLVMGetNextFunction(f))
        {
            if (LLVMIsDeclaration(f) != 0) continue;
            counts[2]++;
            for (nint b = LLVMGetFirstBasicBlock(f); b != 0; b = LLVMGetNextBasicBlock(b))
            {
                counts[1]++;
                for (nint i = LLVMGetFirstInstruction(b); i != 0; i = LLVMGetNextInstruction(i))
                {
                    counts[0]++;
                    counts[3 + s_indexOfOpcode[(int)LLVMGetInstructionOpcode(i)]]++;
                }
            }
        }
        return counts;
    }

    /// <summary>The number of instructions in the module (the IrInstructionCount cost).</summary>
    public static long InstructionCount(LlvmModule module)
    {
        long count = 0;
        using var lease = module.Handle.Borrow();
        for (nint f = LLVMGetFirstFunction(lease.Pointer); f != 0; f = LLVMGetNextFunction(f))
            for (nint b = LLVMGetFirstBasicBlock(f); b != 0; b = LLVMGetNextBasicBlock(b))
                for (nint i = LLVMGetFirstInstruction(b); i != 0; i = LLVMGetNextInstruction(i))
                    count++;
        return count;
    }

    private static int[] BuildIndex()
    {
        var index = new int[s_opcodes.Max(o => (int)o) + 1];
        for (int k = 0; k < s_opcodes.Length; k++) index[(int)s_opcodes[k]] = k;
        return index;
    }
}
