namespace CompilerGym.Mlir.Actions;

/// <summary>What an action does, for the features' count of transformations applied so far.</summary>
public enum ActionKind { Tile, Interchange, Fuse, Decompose, Vectorize, Unroll, Cleanup, Parallelize }

/// <summary>
/// One action. A transformation of the root operation (the linalg operations marked <c>cgym.root</c>)
/// is a transform-dialect script, <see cref="Script"/>, run by <c>transform-interpreter</c> from the
/// shared transform library; a cleanup is an upstream pass. Either way <see cref="PipelineElement"/>
/// is its element of an mlir-opt-22 pass pipeline.
/// </summary>
public sealed record MlirAction(int Id, string Name, ActionKind Kind, string PipelineElement, string? Script, ActionRequirement Requirement)
{
    /// <summary>The transform library's name for the action's script (a symbol: no dashes).</summary>
    public string EntryPoint => Name.Replace('-', '_');
}

/// <summary>
/// What the root operation must be like for an action to apply; checked before it runs, for a clear
/// message. <see cref="ParallelLoop"/>: that loop must be parallel (MLIR tiles a reduction loop with
/// scf.forall too, with only a warning, and its tiles would then race on the output).
/// </summary>
public sealed record ActionRequirement(int MinLoops = 0, bool EnclosingLoop = false, bool StaticSmallIterationSpace = false, int? ParallelLoop = null);
