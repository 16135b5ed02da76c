using CompilerGym.Mlir.Core;

namespace CompilerGym.Mlir.Runtime;

/// <summary>
/// The fixed pipeline from any state of a kernel (linalg on tensors, loops, vectors) to the LLVM
/// dialect. Parallel tiles (<c>scf.forall</c>, once bufferized) become OpenMP worksharing loops:
/// <c>scf-forall-to-parallel</c>, then <c>convert-scf-to-openmp</c>, which wraps each iteration's
/// body in a <c>memref.alloca_scope</c>. That operation holds a single block, so it is lowered
/// (with the memref operations) before <c>convert-scf-to-cf</c> turns the loops inside it into
/// blocks; the func conversion runs with it, as in <c>convert-to-llvm</c>, so that a kernel without
/// <c>scf.forall</c> gets the same LLVM IR as without these steps.
/// </summary>
public static class Lowering
{
    public const string Pipeline =
        "builtin.module(" +
        "one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map}," +
        "canonicalize,cse,buffer-deallocation-pipeline,convert-linalg-to-loops," +
        "func.func(convert-vector-to-scf{full-unroll=true},lower-vector-multi-reduction)," +
        "convert-vector-to-llvm,expand-strided-metadata,lower-affine," +
        "func.func(scf-forall-to-parallel),convert-scf-to-openmp,convert-to-llvm{filter-dialects=memref,func}," +
        "convert-scf-to-cf,convert-to-llvm,reconcile-unrealized-casts)";

    /// <summary>LLVM IR of the module lowered by <see cref="Pipeline"/> (on a copy: the module is left as it is).</summary>
    public static string ToLlvmIr(MlirModule module)
    {
        using var copy = module.Clone();
        try
        {
            copy.RunPipeline(Pipeline);
        }
        catch (MlirException e)
        {
            throw new MlirException($"lowering '{module.Name}' to the LLVM dialect failed:\n{e.Message}");
        }
        return copy.ToLlvmIr();
    }
}
