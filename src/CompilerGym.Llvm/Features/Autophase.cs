using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Interop;
using static CompilerGym.Llvm.Interop.LibLlvm;

namespace CompilerGym.Llvm.Features;

/// <summary>
/// The 56 program features of Autophase (Haj-Ali et al., MLSys 2020; Huang et al., FCCM 2019),
/// in the order and with the definitions CompilerGym uses, so that agents and published results
/// carry over. One deliberate difference: TotalFuncs counts function definitions only, as the
/// paper describes it (CompilerGym's code also counts declarations).
/// </summary>
public static class Autophase
{
    public static IReadOnlyList<string> FeatureNames { get; } =
    [
        "BBNumArgsHi", "BBNumArgsLo", "onePred", "onePredOneSuc", "onePredTwoSuc", "oneSuccessor",
        "twoPred", "twoPredOneSuc", "twoEach", "twoSuccessor", "morePreds", "BB03Phi", "BBHiPhi",
        "BBNoPhi", "BeginPhi", "BranchCount", "returnInt", "CriticalCount", "NumEdges", "const32Bit",
        "const64Bit", "numConstZeroes", "numConstOnes", "UncondBranches", "binaryConstArg",
        "NumAShrInst", "NumAddInst", "NumAllocaInst", "NumAndInst", "BlockMid", "BlockLow",
        "NumBitCastInst", "NumBrInst", "NumCallInst", "NumGetElementPtrInst", "NumICmpInst",
        "NumLShrInst", "NumLoadInst", "NumMulInst", "NumOrInst", "NumPHIInst", "NumRetInst",
        "NumSExtInst", "NumSelectInst", "NumShlInst", "NumStoreInst", "NumSubInst", "NumTruncInst",
        "NumXorInst", "NumZExtInst", "TotalBlocks", "TotalInsts", "TotalMemInst", "TotalFuncs",
        "ArgsPhi", "testUnary",
    ];

    private enum F
    {
        BBNumArgsHi, BBNumArgsLo, onePred, onePredOneSuc, onePredTwoSuc, oneSuccessor, twoPred,
        twoPredOneSuc, twoEach, twoSuccessor, morePreds, BB03Phi, BBHiPhi, BBNoPhi, BeginPhi,
        BranchCount, returnInt, CriticalCount, NumEdges, const32Bit, const64Bit, numConstZeroes,
        numConstOnes, UncondBranches, binaryConstArg, NumAShrInst, NumAddInst, NumAllocaInst,
        NumAndInst, BlockMid, BlockLow, NumBitCastInst, NumBrInst, NumCallInst, NumGetElementPtrInst,
        NumICmpInst, NumLShrInst, NumLoadInst, NumMulInst, NumOrInst, NumPHIInst, NumRetInst,
        NumSExtInst, NumSelectInst, NumShlInst, NumStoreInst, NumSubInst, NumTruncInst, NumXorInst,
        NumZExtInst, TotalBlocks, TotalInsts, TotalMemInst, TotalFuncs, ArgsPhi, testUnary,
    }

    /// <summary>The Autophase feature of each opcode that has one, else -1.</summary>
    private static readonly int[] s_opcodeFeature = BuildOpcodeFeatures();

    public static long[] Compute(LlvmModule module)
    {
        var x = new long[FeatureNames.Count];
        var predecessors = new Dictionary<nint, int>();
        using var lease = module.Handle.Borrow();
        for (nint f = LLVMGetFirstFunction(lease.Pointer); f != 0; f = LLVMGetNextFunction(f))
        {
            if (LLVMIsDeclaration(f) != 0) continue;
            x[(int)F.TotalFuncs]++;
            CountPredecessors(f, predecessors);
            for (nint b = LLVMGetFirstBasicBlock(f); b != 0; b = LLVMGetNextBasicBlock(b))
                AddBlock(x, b, predecessors);
        }
        return x;
    }

    private static void CountPredecessors(nint function, Dictionary<nint, int> predecessors)
    {
        // A block's predecessors are the terminators naming it, once per successor slot, as LLVM's pred_iterator counts them.
        predecessors.Clear();
        for (nint b = LLVMGetFirstBasicBlock(function); b != 0; b = LLVMGetNextBasicBlock(b))
        {
            nint term = LLVMGetBasicBlockTerminator(b);
            if (term == 0) continue;
            uint n = LLVMGetNumSuccessors(term);
            for (uint s = 0; s < n; s++)
            {
                nint succ = LLVMGetSuccessor(term, s);
                predecessors[succ] = predecessors.GetValueOrDefault(succ) + 1;
            }
        }
    }

    private static void AddBlock(long[] x, nint block, Dictionary<nint, int> predecessors)
    {
        x[(int)F.TotalBlocks]++;
        nint term = LLVMGetBasicBlockTerminator(block);
        uint succs = term == 0 ? 0 : LLVMGetNumSuccessors(term);
        int preds = predecessors.GetValueOrDefault(block);
        for (uint s = 0; s < succs; s++)
        {
            x[(int)F.NumEdges]++;
            // Critical: leaves a block with several successors for one with several predecessors.
            if (succs > 1 && predecessors.GetValueOrDefault(LLVMGetSuccessor(term, s)) > 1) x[(int)F.CriticalCount]++;
        }

        if (succs == 1) x[(int)F.oneSuccessor]++;
        else if (succs == 2) x[(int)F.twoSuccessor]++;
        if (preds == 1) x[(int)F.onePred]++;
        else if (preds == 2) x[(int)F.twoPred]++;
        else if (preds > 2) x[(int)F.morePreds]++;
        if (preds == 1 && succs == 1) x[(int)F.onePredOneSuc]++;
        else if (preds == 2 && succs == 1) x[(int)F.twoPredOneSuc]++;
        else if (preds == 1 && succs == 2) x[(int)F.onePredTwoSuc]++;
        else if (preds == 2 && succs == 2) x[(int)F.twoEach]++;

        long instructions = 0, phis = 0, phiArgs = 0;
        bool first = true;
        for (nint i = LLVMGetFirstInstruction(block); i != 0; i = LLVMGetNextInstruction(i), first = false)
        {
            instructions++;
            Opcode op = LLVMGetInstructionOpcode(i);
            x[(int)F.TotalInsts]++;
            int feature = s_opcodeFeature[(int)op];
            if (feature >= 0) x[feature]++;
            AddOperands(x, i);
            switch (op)
            {
                case Opcode.Br:
                    x[(int)F.BranchCount]++;
                    if (LLVMIsConditional(i) == 0) x[(int)F.UncondBranches]++;
                    break;
                case Opcode.Call:
                    nint callee = LLVMIsAFunction(LLVMGetCalledValue(i));
                    if (callee != 0 && LLVMGetTypeKind(LLVMGetReturnType(LLVMGlobalGetValueType(callee))) == TypeKind.Integer)
                        x[(int)F.returnInt]++;
                    break;
                case Opcode.PHI:
                    if (first) x[(int)F.BeginPhi]++;
                    phis++;
                    phiArgs += LLVMCountIncoming(i);
                    break;
            }
            if (op is Opcode.GetElementPtr or Opcode.Load or Opcode.Store or Opcode.Call or Opcode.Invoke or Opcode.Alloca)
                x[(int)F.TotalMemInst]++;
            if (LLVMIsAUnaryInstruction(i) != 0) x[(int)F.testUnary]++;
            if (LLVMIsABinaryOperator(i) != 0 &&
                (LLVMIsAConstant(LLVMGetOperand(i, 0)) != 0 || LLVMIsAConstant(LLVMGetOperand(i, 1)) != 0))
                x[(int)F.binaryConstArg]++;
        }
        x[(int)F.ArgsPhi] += phiArgs;

        if (phis == 0) x[(int)F.BBNoPhi]++;
        else if (phis <= 3) x[(int)F.BB03Phi]++;
        else x[(int)F.BBHiPhi]++;
        if (phiArgs > 5) x[(int)F.BBNumArgsHi]++;
        else if (phiArgs >= 1) x[(int)F.BBNumArgsLo]++;
        if (instructions < 15) x[(int)F.BlockLow]++;
        else if (instructions <= 500) x[(int)F.BlockMid]++;
    }

    private static void AddOperands(long[] x, nint instruction)
    {
        int n = LLVMGetNumOperands(instruction);
        for (uint k = 0; k < n; k++)
        {
            nint operand = LLVMGetOperand(instruction, k);
            if (LLVMIsAConstantInt(operand) == 0) continue;
            uint width = LLVMGetIntTypeWidth(LLVMTypeOf(operand));
            if (width == 32) x[(int)F.const32Bit]++;
            else if (width == 64) x[(int)F.const64Bit]++;
            if (LLVMIsNull(operand) != 0) x[(int)F.numConstZeroes]++;
            else if (width <= 64 && LLVMConstIntGetZExtValue(operand) == 1) x[(int)F.numConstOnes]++;
        }
    }

    private static int[] BuildOpcodeFeatures()
    {
        var map = Enumerable.Repeat(-1, Enum.GetValues<Opcode>().Max(o => (int)o) + 1).ToArray();
        foreach (Opcode op in Enum.GetValues<Opcode>())
            if (Enum.TryParse<F>($"Num{op}Inst", out var feature)) map[(int)op] = (int)feature;
        return map;
    }
}
