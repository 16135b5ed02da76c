using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Features;

namespace CompilerGym.Llvm.Tests;

public class FeatureTests
{
    // Worked out by hand from Fixtures.SmallIr: blocks entry(2 succ), then(1 pred, 1 succ),
    // join(2 preds, phi with 2 args), and h's single block.
    private static readonly Dictionary<string, long> s_autophase = new()
    {
        ["BBNumArgsLo"] = 1, ["onePred"] = 1, ["onePredOneSuc"] = 1, ["oneSuccessor"] = 1, ["twoPred"] = 1,
        ["twoSuccessor"] = 1, ["BB03Phi"] = 1, ["BBNoPhi"] = 3, ["BeginPhi"] = 1, ["BranchCount"] = 2,
        ["returnInt"] = 1, ["CriticalCount"] = 1, ["NumEdges"] = 3, ["const32Bit"] = 4, ["numConstZeroes"] = 2,
        ["numConstOnes"] = 1, ["UncondBranches"] = 1, ["binaryConstArg"] = 1, ["NumAddInst"] = 1, ["BlockLow"] = 4,
        ["NumBrInst"] = 2, ["NumCallInst"] = 1, ["NumICmpInst"] = 1, ["NumMulInst"] = 1, ["NumPHIInst"] = 1,
        ["NumRetInst"] = 2, ["NumSubInst"] = 1, ["NumZExtInst"] = 1, ["TotalBlocks"] = 4, ["TotalInsts"] = 11,
        ["TotalMemInst"] = 1, ["TotalFuncs"] = 2, ["ArgsPhi"] = 2, ["testUnary"] = 1,
    };

    [Fact]
    public void Autophase_matches_hand_count()
    {
        using var module = LlvmModule.ParseIr(Fixtures.SmallIr, "small");
        var features = Autophase.Compute(module);
        Assert.Equal(56, features.Length);
        for (int i = 0; i < features.Length; i++)
            Assert.True(s_autophase.GetValueOrDefault(Autophase.FeatureNames[i]) == features[i],
                $"{Autophase.FeatureNames[i]}: expected {s_autophase.GetValueOrDefault(Autophase.FeatureNames[i])}, got {features[i]}");
    }

    [Fact]
    public void InstCount_matches_hand_count()
    {
        using var module = LlvmModule.ParseIr(Fixtures.SmallIr, "small");
        var counts = InstCount.Compute(module);
        var expected = new Dictionary<string, long>
        {
            ["TotalInsts"] = 11, ["TotalBlocks"] = 4, ["TotalFuncs"] = 2, ["NumICmpInst"] = 1, ["NumBrInst"] = 2,
            ["NumAddInst"] = 1, ["NumPHIInst"] = 1, ["NumSubInst"] = 1, ["NumRetInst"] = 2, ["NumCallInst"] = 1,
            ["NumZExtInst"] = 1, ["NumMulInst"] = 1,
        };
        for (int i = 0; i < counts.Length; i++)
            Assert.True(expected.GetValueOrDefault(InstCount.FeatureNames[i]) == counts[i],
                $"{InstCount.FeatureNames[i]}: expected {expected.GetValueOrDefault(InstCount.FeatureNames[i])}, got {counts[i]}");
        Assert.Equal(11, InstCount.InstructionCount(module));
    }
}
