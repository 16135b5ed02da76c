namespace CompilerGym.Mlir.Actions;

/// <summary>What an action does, for the features' count of transformations applied so far.</summary>
public enum ActionKind { Tile, Interchange, Fuse, Decompose, Vectorize, Unroll, Cleanup, Parallelize }

/// <summary>
/// One action. A transformation of the root operation (the linalg operations marked <c>cgym.root</c>)
/// is a transform-dialect script, <see cref="Script"/>, run by <c>transform-interpreter</c> from its
/// space's transform library as the named sequence <see cref="EntryPoint"/>; a pass is an upstream
/// pass. Either way <see cref="PipelineElement"/> is its element of an mlir-opt-22 pass pipeline.
/// </summary>
public sealed record MlirAction(int Id, string Name, ActionKind Kind, string PipelineElement, string? Script, ActionRequirement Requirement)
{
    /// <summary>The transform library's name for the action's script (a symbol); null for a pass.</summary>
    public string? EntryPoint { get; private init; }

    /// <summary>A transformation: <paramref name="script"/> (which acts on <c>%root</c>) as the named sequence <paramref name="entryPoint"/>.</summary>
    public static MlirAction Transformation(int id, string name, string entryPoint, ActionKind kind, ActionRequirement requirement, string script) =>
        new(id, name, kind, $"transform-interpreter{{entry-point={entryPoint}}}", script, requirement) { EntryPoint = entryPoint };

    /// <summary>A pass-pipeline element, run as it is on the whole module; the features count it as a cleanup.</summary>
    public static MlirAction Pass(int id, string element) => new(id, element, ActionKind.Cleanup, element, null, new());
}

/// <summary>
/// What the root operation must be like for an action to apply; checked before it runs, for a clear
/// message. <see cref="ParallelLoops"/>: those loops must be parallel (MLIR tiles a reduction loop with
/// scf.forall too, with only a warning, and its tiles would then race on the output).
/// </summary>
public sealed record ActionRequirement(int MinLoops = 0, bool EnclosingLoop = false, bool StaticSmallIterationSpace = false, IReadOnlyList<int>? ParallelLoops = null);
