using CompilerGym.Core.Envs;
using CompilerGym.Mlir.Actions;
using CompilerGym.Mlir.Env;

namespace CompilerGym.Mlir.Tests;

/// <summary>
/// Actions applied one at a time to a small kernel, each from the first of a few prepared states
/// where it applies, and the output they leave. The tests check a sample of the actions; the
/// benchmarks' <c>mlir-action-sweep</c> command checks all of them.
/// </summary>
public sealed class ActionSweep : IDisposable
{
    /// <summary>Every kernel, at shapes small enough to build in a fraction of a second.</summary>
    public static readonly IReadOnlyList<string> Kernels =
    [
        "matmul?m=16&n=24&k=8",
        "batch_matmul?b=2&m=8&n=16&k=8",
        "conv2d?n=1&h=6&w=8&c=4&f=8&kh=3&kw=3",
        "pooling?n=1&h=6&w=8&c=8&kh=3&kw=3",
        "elementwise?m=16&n=32",
        "reduction?m=16&n=32",
        "mlp?m=8&n=16&k=16",
    ];

    /// <summary>Every kind of transformation applies to every kernel in some parameterization; decompose to convolutions and pooling only.</summary>
    public static IEnumerable<ActionKind> KindsThatApply(string kernel) =>
        Enum.GetValues<ActionKind>().Where(k => k != ActionKind.Decompose || kernel.StartsWith("conv") || kernel.StartsWith("pooling"));

    /// <summary>
    /// Some actions need a prepared root: inside a loop (unroll), with the output row and the
    /// window row tiled to 1 (decompose), decomposed (vectorizing a convolution or pooling).
    /// </summary>
    private static readonly string[][] s_prefixes = [["tile-d0-4"], ["tile-d1-1", "tile-d4-1"], ["tile-d1-1", "tile-d4-1", "decompose"]];

    private readonly List<MlirEnv> _starts = [];

    public ActionSweep(string kernel)
    {
        var env = new MlirEnv(runtimeBudget: TimeSpan.Zero);
        _starts.Add(env);
        env.Reset($"benchmark://mlir-linalg-v0/{kernel}");
        Reference = env.Observe(MlirSpaces.OutputChecksum).AsText();
        foreach (string[] prefix in s_prefixes)
        {
            var start = (MlirEnv)env.Fork();
            try { start.Step(prefix); _starts.Add(start); }
            catch (InapplicableActionException) { start.Dispose(); }
        }
    }

    /// <summary>The untransformed kernel's output checksum.</summary>
    public string Reference { get; }

    public IReadOnlyList<MlirAction> Actions => _starts[0].Actions.Actions;

    public bool Applies(MlirAction action)
    {
        using var applied = Apply(action);
        return applied is not null;
    }

    /// <summary>The output checksum after the action, or null when it applies to none of the prepared states.</summary>
    public string? OutputAfter(MlirAction action)
    {
        using var applied = Apply(action);
        return applied?.Observe(MlirSpaces.OutputChecksum).AsText();
    }

    public void Dispose() => _starts.ForEach(s => s.Dispose());

    private MlirEnv? Apply(MlirAction action)
    {
        foreach (var start in _starts)
        {
            var fork = (MlirEnv)start.Fork();
            try
            {
                fork.Step(action.Id);
                return fork;
            }
            catch (InapplicableActionException)
            {
                fork.Dispose();
            }
        }
        return null;
    }
}
