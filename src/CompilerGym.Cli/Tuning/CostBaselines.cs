using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;

namespace CompilerGym.Cli.Tuning;

/// <summary>
/// A cost's values unoptimized and after -Oz and -O3, where the env has them as observations: named
/// by the cost, or by its longest prefix that has them, followed by O0, Oz and O3
/// (IrInstructionCount → IrInstructionCountOz, ObjectTextSizeBytes → ObjectTextSizeOz). In
/// mlir-v0 the unoptimized value is the untransformed kernel's and the reference, in the place of
/// -Oz's, the default lowering's (Runtime → RuntimeUntransformed, RuntimeDefault). A cost without
/// them gets nulls.
/// </summary>
internal sealed record CostBaselines(double? O0, double? Oz, double? O3)
{
    public static CostBaselines Of(ICompilerEnv env, string cost)
    {
        var names = env.ObservationSpaces.Select(s => s.Name).ToHashSet();
        if (names.Contains(cost + "Default"))
            return new(env.Observe(cost + "Untransformed").AsDouble(), env.Observe(cost + "Default").AsDouble(), null);
        string? prefix = Enumerable.Range(1, cost.Length).Reverse().Select(n => cost[..n]).FirstOrDefault(p => names.Contains(p + "Oz"));
        if (prefix is null) return new(null, null, null);
        double? Observe(string level) => names.Contains(prefix + level) ? env.Observe(prefix + level).AsDouble() : null;
        return new(Observe("O0"), Observe("Oz"), Observe("O3"));
    }

    /// <summary>Throws unless the env has a scalar observation of this name.</summary>
    public static void CheckCost(ICompilerEnv env, string cost)
    {
        var space = env.ObservationSpaces.FirstOrDefault(s => s.Name == cost);
        if (space?.Kind is not (SpaceKind.Int64Scalar or SpaceKind.Float64Scalar))
            throw new ArgumentException($"the cost must be a scalar observation; '{cost}' is {(space is null ? "unknown" : space.Kind.ToString())} " +
                $"(scalars: {string.Join(", ", env.ObservationSpaces.Where(s => s.Kind is SpaceKind.Int64Scalar or SpaceKind.Float64Scalar).Select(s => s.Name))})");
    }
}
