using CompilerGym.Mlir.Actions;

namespace CompilerGym.Mlir.Core;

/// <summary>
/// The loop-nest features of a module as one named int64 vector: module totals, the count of each
/// kind of transformation applied so far, the root operation's features, then those of the first
/// <see cref="OtherOps"/> other linalg operations in program order (zeros where there are fewer).
/// </summary>
public static class LoopFeatures
{
    public const int OtherOps = 3;

    private static readonly string[] s_moduleFields = ["linalg_ops", "scf_for_loops", "max_loop_depth", "vector_ops", "scf_forall_loops"];

    /// <summary>The per-operation fields computed by the shim, in its order (native/mlir/cgym_mlir.cpp).</summary>
    private static readonly string[] s_opFields =
    [
        "is_root", "kind", "loops", "parallel_loops", "reduction_loops",
        "range_d0", "range_d1", "range_d2", "range_d3", "range_d4", "range_d5", "range_d6",
        "enclosing_for_loops", "inputs", "outputs",
        "contiguous_operands", "invariant_operands", "strided_operands", "window_operands", "body_ops",
        "enclosing_forall_loops", "parallel_loop_mask",
    ];

    public static IReadOnlyList<string> Names { get; } =
    [
        .. s_moduleFields.Select(f => $"module.{f}"),
        .. Enum.GetNames<ActionKind>().Select(k => $"applied.{k.ToLowerInvariant()}"),
        "roots",
        .. s_opFields.Select(f => $"root.{f}"),
        .. Enumerable.Range(1, OtherOps).SelectMany(i => s_opFields.Select(f => $"op{i}.{f}")),
    ];

    public static long[] Compute(MlirModule module, IEnumerable<MlirAction> applied)
    {
        var (totals, ops) = module.RawLoopFeatures(64);
        var counts = applied.GroupBy(a => a.Kind).ToDictionary(g => g.Key, g => (long)g.Count());
        var roots = ops.Where(IsRoot).ToList();
        var others = ops.Where(o => !IsRoot(o)).Take(OtherOps).ToList();
        var values = new List<long>(Names.Count);
        values.AddRange(totals);
        values.AddRange(Enum.GetValues<ActionKind>().Select(k => counts.GetValueOrDefault(k)));
        values.Add(roots.Count);
        values.AddRange(roots.FirstOrDefault() ?? new long[s_opFields.Length]);
        for (int i = 0; i < OtherOps; i++) values.AddRange(i < others.Count ? others[i] : new long[s_opFields.Length]);
        return [.. values];
    }

    /// <summary>The root operations' features (one array per operation, fields as named above without the prefix).</summary>
    public static IReadOnlyList<RootOp> Roots(MlirModule module) =>
        [.. module.RawLoopFeatures(64).Ops.Where(IsRoot).Select(f => new RootOp(f))];

    private static bool IsRoot(long[] op) => op[0] != 0;

    /// <summary>What the actions' preconditions need to know of a root operation.</summary>
    public sealed record RootOp(long[] Fields)
    {
        public int Loops => (int)Fields[2];
        public long EnclosingForLoops => Fields[12];
        public bool IsParallel(int loop) => loop < Loops && (Fields[21] >> loop & 1) != 0;
        public IEnumerable<long> Ranges => Fields.Skip(5).Take(Loops);
        public bool StaticShape => Ranges.All(r => r > 0);
        public long IterationPoints => Ranges.Aggregate(1L, (a, b) => a * Math.Max(b, 1));
    }
}
