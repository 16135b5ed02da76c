using System.Text;
using CompilerGym.Core.Spaces;

namespace CompilerGym.Mlir.Actions;

/// <summary>
/// The loop-nest transformations of <c>mlir-v0</c>, each applied to the root operation with one
/// MLIR 22 transform-dialect script, plus upstream cleanup passes. Parameterizations are
/// enumerated, so the space is discrete; multi-loop tilings and permutations are sequences of
/// actions (tiling loop d0, then d1 of the tile, gives a 2-D tiling in that loop order).
/// </summary>
public sealed class MlirActionSpace
{
    public const string Name = "mlir-22-loop-nest";

    /// <summary>The root operations of the kernels have at most seven loops (a 2-D convolution).</summary>
    public const int MaxLoops = 7;
    public static readonly IReadOnlyList<int> TileSizes = [1, 4, 8, 16, 32, 64];
    public static readonly IReadOnlyList<int> FuseSizes = [8, 16, 32, 64];
    public static readonly IReadOnlyList<int> UnrollFactors = [2, 4, 8];

    /// <summary>Loops d0..d3 can be parallelized: every kernel's parallel loops are among them (a convolution's are n, h, w, f).</summary>
    public const int ParallelLoops = 4;

    /// <summary>The largest iteration space vectorized at once; a larger one must be tiled first (a vector per point would not fit).</summary>
    public const long MaxVectorizedPoints = 1 << 14;

    private readonly Dictionary<string, MlirAction> _byName;

    public IReadOnlyList<MlirAction> Actions { get; }
    public Space Space { get; }

    /// <summary>The transform library: one named sequence per transformation, loaded by every step's pipeline.</summary>
    public string TransformLibrary { get; }

    public static MlirActionSpace Instance { get; } = new();

    private MlirActionSpace()
    {
        Actions = Build();
        _byName = Actions.ToDictionary(a => a.Name, StringComparer.Ordinal);
        Space = Space.Discrete(Name, [.. Actions.Select(a => a.Name)],
            "Loop-nest transformations of the root linalg operation (tile, interchange, fuse producers, decompose, vectorize, unroll, parallelize) and cleanup passes, MLIR 22");
        TransformLibrary = WriteLibrary(Actions);
    }

    public MlirAction this[int id] => id >= 0 && id < Actions.Count ? Actions[id]
        : throw new UnknownNameException($"action {id} is out of range for {Name} (0..{Actions.Count - 1})");

    public MlirAction this[string name] => _byName.TryGetValue(name, out var action) ? action
        : throw new UnknownNameException($"unknown action '{name}' in {Name}");

    private static List<MlirAction> Build()
    {
        var actions = new List<MlirAction>();
        void Transform(string name, ActionKind kind, ActionRequirement requirement, string body) =>
            actions.Add(new MlirAction(actions.Count, name, kind, $"transform-interpreter{{entry-point={name.Replace('-', '_')}}}", body, requirement));

        for (int d = 0; d < MaxLoops; d++)
            foreach (int size in TileSizes)
                Transform($"tile-d{d}-{size}", ActionKind.Tile, new(MinLoops: d + 1),
                    $"%t, %l = transform.structured.tile_using_for %root tile_sizes {Sizes(d, size)} : (!transform.any_op) -> (!transform.any_op, !transform.any_op)");
        for (int i = 0; i < MaxLoops; i++)
            for (int j = i + 1; j < MaxLoops; j++)
                Transform($"swap-d{i}-d{j}", ActionKind.Interchange, new(MinLoops: j + 1), SwapScript(i, j));
        for (int d = 0; d < 3; d++)
            foreach (int size in FuseSizes)
                Transform($"fuse-d{d}-{size}", ActionKind.Fuse, new(MinLoops: d + 1),
                    $"%t, %l = transform.structured.fuse %root tile_sizes {Sizes(d, size)} {{apply_cleanup}} : (!transform.any_op) -> (!transform.any_op, !transform.any_op)");
        Transform("decompose", ActionKind.Decompose, new(),
            "%d = transform.structured.decompose %root : (!transform.any_op) -> !transform.any_op\n" +
            "    transform.annotate %d \"cgym.root\" : !transform.any_op");
        Transform("vectorize", ActionKind.Vectorize, new(StaticSmallIterationSpace: true),
            "transform.structured.vectorize %root : !transform.any_op");
        foreach (int factor in UnrollFactors)
            Transform($"unroll-{factor}", ActionKind.Unroll, new(EnclosingLoop: true),
                "%loop = transform.get_parent_op %root {op_name = \"scf.for\", deduplicate} : (!transform.any_op) -> !transform.op<\"scf.for\">\n" +
                $"    transform.loop.unroll %loop {{factor = {factor}}} : !transform.op<\"scf.for\">");
        foreach (string pass in new[] { "canonicalize", "cse", "loop-invariant-code-motion" })
            actions.Add(new MlirAction(actions.Count, pass, ActionKind.Cleanup, pass, null, new()));
        // Tiles of a parallel loop as the iterations of an scf.forall, which the lowering runs on
        // OpenMP threads; the last, so that the other actions keep their ids.
        for (int d = 0; d < ParallelLoops; d++)
            foreach (int size in TileSizes)
                Transform($"parallel-d{d}-{size}", ActionKind.Parallelize, new(MinLoops: d + 1, ParallelLoop: d),
                    $"%t, %l = transform.structured.tile_using_forall %root tile_sizes {Sizes(d, size)} : (!transform.any_op) -> (!transform.any_op, !transform.any_op)");
        return actions;
    }

    /// <summary>Tile sizes that tile loop <paramref name="d"/> only (0 leaves a loop untiled).</summary>
    private static string Sizes(int d, int size) => $"[{string.Join(", ", Enumerable.Range(0, d + 1).Select(i => i == d ? size : 0))}]";

    /// <summary>
    /// Swaps loops i and j of the root. An interchange names every loop, and the root's loop count
    /// is known only at run time, so there is one alternative per possible count; the first that
    /// applies wins, and a failed one leaves the function as it was. generalize drops the marker,
    /// so the interchanged operation gets it back.
    /// </summary>
    private static string SwapScript(int i, int j)
    {
        var script = new StringBuilder(
            "%function = transform.get_parent_op %root {op_name = \"func.func\", deduplicate} : (!transform.any_op) -> !transform.any_op\n" +
            "    transform.alternatives %function : !transform.any_op ");
        for (int loops = j + 1; loops <= MaxLoops; loops++)
        {
            string permutation = string.Join(", ", Enumerable.Range(0, loops).Select(k => k == i ? j : k == j ? i : k));
            script.Append(loops == j + 1 ? "{\n" : "}, {\n").Append(
                "    ^bb0(%scope: !transform.any_op):\n" +
                "      %r = transform.structured.match attributes{cgym.root} in %scope : (!transform.any_op) -> !transform.any_op\n" +
                "      %g = transform.structured.generalize %r : (!transform.any_op) -> !transform.any_op\n" +
                $"      %i = transform.structured.interchange %g iterator_interchange = [{permutation}] : (!transform.any_op) -> !transform.any_op\n" +
                "      transform.annotate %i \"cgym.root\" : !transform.any_op\n");
        }
        return script.Append("    }").ToString();
    }

    private static string WriteLibrary(IReadOnlyList<MlirAction> actions)
    {
        var text = new StringBuilder("// The transformations of the mlir-v0 action space, one named sequence per action.\n");
        text.Append("module attributes {transform.with_named_sequence} {\n");
        foreach (var action in actions.Where(a => a.Script is not null))
        {
            text.Append($"  transform.named_sequence @{action.EntryPoint}(%module: !transform.any_op {{transform.readonly}}) {{\n");
            text.Append("    %root = transform.structured.match attributes{cgym.root} in %module : (!transform.any_op) -> !transform.any_op\n");
            text.Append($"    {action.Script}\n    transform.yield\n  }}\n");
        }
        return text.Append("}\n").ToString();
    }
}
