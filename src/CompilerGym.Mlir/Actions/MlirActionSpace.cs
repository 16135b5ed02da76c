using System.Text;
using CompilerGym.Core.Caching;
using CompilerGym.Core.Spaces;

namespace CompilerGym.Mlir.Actions;

/// <summary>
/// An action space of <c>mlir-v0</c>: loop-nest transformations, each applied to the root operation
/// with one MLIR 22 transform-dialect script, and passes. The built-in space, <see cref="Instance"/>,
/// enumerates parameterizations, so it is discrete; multi-loop tilings and permutations are
/// sequences of actions (tiling loop d0, then d1 of the tile, gives a 2-D tiling in that loop
/// order). A custom space (<see cref="CustomMlirActions"/>) lists the actions its user wants.
/// </summary>
public sealed class MlirActionSpace
{
    public const string Name = "mlir-22-loop-nest";
    /// <summary>The name of an action space defined by its user: each action is named by its spec.</summary>
    public const string Custom = "mlir-22-custom";

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
    private readonly Lazy<string> _libraryPath;

    public IReadOnlyList<MlirAction> Actions { get; }
    public Space Space { get; }

    /// <summary>The transform library: one named sequence per transformation, loaded by every step's pipeline.</summary>
    public string TransformLibrary { get; }

    /// <summary>The transform library's file (written once, named by content), which <c>transform-preload-library</c> loads.</summary>
    public string TransformLibraryPath => _libraryPath.Value;

    public bool IsCustom => Space.Name == Custom;

    public static MlirActionSpace Instance { get; } = new(Name,
        "Loop-nest transformations of the root linalg operation (tile, interchange, fuse producers, decompose, vectorize, unroll, parallelize) and cleanup passes, MLIR 22",
        Build());

    /// <summary>A space of <paramref name="actions"/>, whose ids must be their positions and whose names and entry points must differ.</summary>
    public MlirActionSpace(string name, string description, IReadOnlyList<MlirAction> actions)
    {
        if (actions.Select((a, i) => (a, i)).FirstOrDefault(p => p.a.Id != p.i) is ({ } misplaced, int position))
            throw new ArgumentException($"action '{misplaced.Name}' has id {misplaced.Id} at position {position}");
        if (actions.GroupBy(a => a.Name).FirstOrDefault(g => g.Count() > 1) is { } sameName)
            throw new ArgumentException($"two actions are named '{sameName.Key}'");
        if (actions.Where(a => a.EntryPoint is not null).GroupBy(a => a.EntryPoint).FirstOrDefault(g => g.Count() > 1) is { } sameEntry)
            throw new ArgumentException($"actions {string.Join(" and ", sameEntry.Select(a => $"'{a.Name}'"))} have the same entry point, @{sameEntry.Key}");
        Actions = actions;
        _byName = Actions.ToDictionary(a => a.Name, StringComparer.Ordinal);
        Space = Space.Discrete(name, [.. Actions.Select(a => a.Name)], description);
        TransformLibrary = WriteLibrary(Actions);
        _libraryPath = new(() => Cache.GetOrCreate(Path.Combine("mlir", $"transforms-{Cache.Hash(TransformLibrary)}.mlir"),
            path => File.WriteAllText(path, TransformLibrary)));
    }

    /// <summary>
    /// The named built-in space, or, when <paramref name="customActions"/> are given, a space of
    /// those specs (<see cref="CustomMlirActions.Parse"/>).
    /// </summary>
    public static MlirActionSpace Resolve(string? name, IReadOnlyList<string>? customActions)
    {
        if (customActions is not { Count: > 0 })
            return name switch
            {
                null or "" or Name => Instance,
                Custom => throw new ArgumentException($"'{Custom}' is made of custom actions, and none are given"),
                _ => throw new UnknownNameException($"unknown action space '{name}' (known: {Name}, or custom actions as {Custom})"),
            };
        if (name is not (null or "" or Custom))
            throw new ArgumentException($"custom actions form their own action space, '{Custom}', not '{name}'");
        return CustomMlirActions.Parse(customActions);
    }

    public MlirAction this[int id] => id >= 0 && id < Actions.Count ? Actions[id]
        : throw new UnknownNameException($"action {id} is out of range for {Space.Name} (0..{Actions.Count - 1})");

    public MlirAction this[string name] => _byName.TryGetValue(name, out var action) ? action
        : throw new UnknownNameException($"unknown action '{name}' in {Space.Name}");

    private static List<MlirAction> Build()
    {
        var actions = new List<MlirAction>();
        void Transform(string name, ActionKind kind, ActionRequirement requirement, string body) =>
            actions.Add(MlirAction.Transformation(actions.Count, name, name.Replace('-', '_'), kind, requirement, body));

        for (int d = 0; d < MaxLoops; d++)
            foreach (int size in TileSizes)
                Transform($"tile-d{d}-{size}", ActionKind.Tile, new(MinLoops: d + 1), TileScript(Sizes(d, size)));
        for (int i = 0; i < MaxLoops; i++)
            for (int j = i + 1; j < MaxLoops; j++)
                Transform($"swap-d{i}-d{j}", ActionKind.Interchange, new(MinLoops: j + 1),
                    InterchangeScript([.. Enumerable.Range(0, j + 1).Select(k => k == i ? j : k == j ? i : k)]));
        for (int d = 0; d < 3; d++)
            foreach (int size in FuseSizes)
                Transform($"fuse-d{d}-{size}", ActionKind.Fuse, new(MinLoops: d + 1), FuseScript(Sizes(d, size)));
        Transform("decompose", ActionKind.Decompose, new(), DecomposeScript);
        Transform("vectorize", ActionKind.Vectorize, new(StaticSmallIterationSpace: true), VectorizeScript);
        foreach (int factor in UnrollFactors)
            Transform($"unroll-{factor}", ActionKind.Unroll, new(EnclosingLoop: true), UnrollScript(factor));
        foreach (string pass in new[] { "canonicalize", "cse", "loop-invariant-code-motion" })
            actions.Add(MlirAction.Pass(actions.Count, pass));
        // Tiles of a parallel loop as the iterations of an scf.forall, which the lowering runs on
        // OpenMP threads; the last, so that the other actions keep their ids.
        for (int d = 0; d < ParallelLoops; d++)
            foreach (int size in TileSizes)
                Transform($"parallel-d{d}-{size}", ActionKind.Parallelize, new(MinLoops: d + 1, ParallelLoops: [d]), ParallelScript(Sizes(d, size)));
        return actions;
    }

    // The scripts of the transformations, shared by the built-in space and custom ones. Each acts on %root.

    /// <summary>Tile sizes that tile loop <paramref name="d"/> only (0 leaves a loop untiled).</summary>
    private static LoopSizes Sizes(int d, int size) => new([.. Enumerable.Range(0, d + 1).Select(i => i == d ? size : 0)]);

    internal static string TileScript(LoopSizes sizes) => Tiling("tile_using_for", sizes, "");

    /// <summary>Tiles the root and fuses its producers into the new loops.</summary>
    internal static string FuseScript(LoopSizes sizes) => Tiling("fuse", sizes, " {apply_cleanup}");

    /// <summary>A tiling operation, with the one loop handle per tiled loop that it must return.</summary>
    private static string Tiling(string operation, LoopSizes sizes, string attributes)
    {
        var loops = Enumerable.Range(0, sizes.Tiled).ToList();
        return $"%t{string.Concat(loops.Select(i => $", %l{i}"))} = transform.structured.{operation} %root tile_sizes {sizes}{attributes} : " +
            $"(!transform.any_op) -> (!transform.any_op{string.Concat(loops.Select(_ => ", !transform.any_op"))})";
    }

    /// <summary>Tiles the root into the iterations of one scf.forall (one loop handle, whatever the sizes), which the lowering runs on OpenMP threads.</summary>
    internal static string ParallelScript(LoopSizes sizes) =>
        $"%t, %l = transform.structured.tile_using_forall %root tile_sizes {sizes} : (!transform.any_op) -> (!transform.any_op, !transform.any_op)";

    internal const string DecomposeScript =
        "%d = transform.structured.decompose %root : (!transform.any_op) -> !transform.any_op\n" +
        "    transform.annotate %d \"cgym.root\" : !transform.any_op";

    internal const string VectorizeScript = "transform.structured.vectorize %root : !transform.any_op";

    /// <summary>Unrolls the loop around the root.</summary>
    internal static string UnrollScript(int factor) =>
        "%loop = transform.get_parent_op %root {op_name = \"scf.for\", deduplicate} : (!transform.any_op) -> !transform.op<\"scf.for\">\n" +
        $"    transform.loop.unroll %loop {{factor = {factor}}} : !transform.op<\"scf.for\">";

    /// <summary>
    /// Permutes loops d0..d(n-1) of the root as MLIR's iterator_interchange does (new loop k is old
    /// loop permutation[k]); later loops stay in place. An interchange names every loop, and the
    /// root's loop count is known only at run time, so there is one alternative per possible count;
    /// the first that applies wins, and a failed one leaves the function as it was. generalize
    /// drops the marker, so the interchanged operation gets it back.
    /// </summary>
    internal static string InterchangeScript(IReadOnlyList<int> permutation)
    {
        var script = new StringBuilder(
            "%function = transform.get_parent_op %root {op_name = \"func.func\", deduplicate} : (!transform.any_op) -> !transform.any_op\n" +
            "    transform.alternatives %function : !transform.any_op ");
        int first = permutation.Count;
        for (int loops = first; loops <= Math.Max(first, MaxLoops); loops++)
        {
            string order = string.Join(", ", Enumerable.Range(0, loops).Select(k => k < first ? permutation[k] : k));
            script.Append(loops == first ? "{\n" : "}, {\n").Append(
                "    ^bb0(%scope: !transform.any_op):\n" +
                "      %r = transform.structured.match attributes{cgym.root} in %scope : (!transform.any_op) -> !transform.any_op\n" +
                "      %g = transform.structured.generalize %r : (!transform.any_op) -> !transform.any_op\n" +
                $"      %i = transform.structured.interchange %g iterator_interchange = [{order}] : (!transform.any_op) -> !transform.any_op\n" +
                "      transform.annotate %i \"cgym.root\" : !transform.any_op\n");
        }
        return script.Append("    }").ToString();
    }

    private static string WriteLibrary(IReadOnlyList<MlirAction> actions)
    {
        var text = new StringBuilder("// The transformations of the mlir-v0 action space, one named sequence per action.\n");
        text.Append("module attributes {transform.with_named_sequence} {\n");
        foreach (var action in actions.Where(a => a.EntryPoint is not null))
        {
            text.Append($"  transform.named_sequence @{action.EntryPoint}(%module: !transform.any_op {{transform.readonly}}) {{\n");
            text.Append("    %root = transform.structured.match attributes{cgym.root} in %module : (!transform.any_op) -> !transform.any_op\n");
            text.Append($"    {action.Script}\n    transform.yield\n  }}\n");
        }
        return text.Append("}\n").ToString();
    }
}

/// <summary>Tile sizes, one per loop from d0 (0 leaves a loop untiled); the text is the tile_sizes attribute.</summary>
internal sealed record LoopSizes(IReadOnlyList<int> PerLoop)
{
    /// <summary>How many loops the sizes tile.</summary>
    public int Tiled => PerLoop.Count(s => s != 0);

    public override string ToString() => $"[{string.Join(", ", PerLoop)}]";
}
