using System.Text.RegularExpressions;
using CompilerGym.Core.Spaces;
using CompilerGym.Mlir.Core;

namespace CompilerGym.Mlir.Actions;

/// <summary>
/// Custom action spaces (<see cref="MlirActionSpace.Custom"/>): each action is given by a spec,
/// either a transformation of the root operation, <c>KIND</c> or <c>KIND[N,N,...]</c>, made with the
/// built-in space's scripts, or an MLIR pass-pipeline element:
/// <list type="bullet">
/// <item><c>tile[S0,S1,...]</c>: tiles loops d0, d1, ... by S0, S1, ... at once (0 leaves a loop untiled; later loops stay untiled).</item>
/// <item><c>fuse[S0,S1,...]</c>: the same tiling, with the root's producers fused into the new loops.</item>
/// <item><c>interchange[P0,P1,...]</c>: permutes loops d0..d(n-1), new loop k being old loop Pk; later loops stay in place.</item>
/// <item><c>unroll[F]</c>: unrolls the loop around the root by F (at least 2).</item>
/// <item><c>vectorize</c>, <c>decompose</c>: as the built-in actions of those names.</item>
/// </list>
/// Anything else is a pass-pipeline element (<c>canonicalize</c>, <c>func.func(affine-loop-invariant-code-motion)</c>),
/// run on the whole module. Specs are checked here: syntax, parameters, repeats, and every pass-pipeline
/// element by MLIR itself. A transformation that names more loops than the root operation has cannot be
/// told from its spec (the loop count depends on the kernel): it does not apply, at the step.
/// </summary>
public static class CustomMlirActions
{
    /// <summary>
    /// A kind of transformation: its usage, for messages; a check of its parameters (an error, or
    /// null); and what it needs of the root and its script, from valid parameters.
    /// </summary>
    private sealed record Kind(ActionKind Action, string Usage, Func<IReadOnlyList<int>, string?> Check,
        Func<IReadOnlyList<int>, ActionRequirement> Requirement, Func<IReadOnlyList<int>, string> Script);

    /// <summary>The transformations by keyword: a new kind is one entry.</summary>
    private static readonly Dictionary<string, Kind> s_kinds = new(StringComparer.Ordinal)
    {
        ["tile"] = new(ActionKind.Tile, "tile[S0,S1,...]", Sizes,
            p => new(MinLoops: p.Count), p => MlirActionSpace.TileScript(new(p))),
        ["fuse"] = new(ActionKind.Fuse, "fuse[S0,S1,...]", Sizes,
            p => new(MinLoops: p.Count), p => MlirActionSpace.FuseScript(new(p))),
        ["parallel"] = new(ActionKind.Parallelize, "parallel[S0,S1,...]", Sizes,
            p => new(MinLoops: p.Count, ParallelLoops: [.. Enumerable.Range(0, p.Count).Where(i => p[i] != 0)]), p => MlirActionSpace.ParallelScript(new(p))),
        ["interchange"] = new(ActionKind.Interchange, "interchange[P0,P1,...]", Permutation,
            p => new(MinLoops: p.Count), MlirActionSpace.InterchangeScript),
        ["unroll"] = new(ActionKind.Unroll, "unroll[F]", Factor,
            _ => new(EnclosingLoop: true), p => MlirActionSpace.UnrollScript(p[0])),
        ["vectorize"] = new(ActionKind.Vectorize, "vectorize", NoParameters,
            _ => new(StaticSmallIterationSpace: true), _ => MlirActionSpace.VectorizeScript),
        ["decompose"] = new(ActionKind.Decompose, "decompose", NoParameters,
            _ => new(), _ => MlirActionSpace.DecomposeScript),
    };

    // A keyword followed by '[' is always this syntax: no pass-pipeline element can start that way.
    private static readonly Regex s_spec = new(@"^\s*(?<kind>[A-Za-z_][\w.-]*)\s*(?<list>\[.*)?$", RegexOptions.Singleline);
    private static readonly Regex s_list = new(@"^\[\s*(?:(?<n>[0-9]+)\s*(?:,\s*(?<n>[0-9]+)\s*)*)?\]\s*$");

    /// <summary>
    /// The space of <paramref name="specs"/>, in order, each action named by its spec. Throws an
    /// <see cref="ArgumentException"/> naming the first spec that is wrong, and why.
    /// </summary>
    public static MlirActionSpace Parse(IReadOnlyList<string> specs)
    {
        if (specs.Count == 0) throw new ArgumentException($"a custom action space ({MlirActionSpace.Custom}) needs at least one action");
        var actions = new List<MlirAction>();
        // Each action's canonical form (a transformation's without spaces, a pass element's as given), so that two spellings of one are caught.
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var passes = new List<string>();
        foreach (string spec in specs)
        {
            if (string.IsNullOrWhiteSpace(spec)) throw new ArgumentException("a custom action is empty");
            MlirAction action;
            string canonical;
            if (Transformation(spec) is ({ } keyword, { } kind, { } parameters))
            {
                canonical = parameters.Count == 0 ? keyword : $"{keyword}[{string.Join(",", parameters)}]";
                // A symbol, unique in the space's library as the canonical form is.
                string entryPoint = string.Join("_", [keyword, .. parameters.Select(p => p.ToString())]);
                action = MlirAction.Transformation(actions.Count, spec, entryPoint, kind.Action, kind.Requirement(parameters), kind.Script(parameters));
            }
            else
            {
                canonical = spec;
                action = MlirAction.Pass(actions.Count, spec);
                passes.Add(spec);
            }
            if (seen.TryGetValue(canonical, out string? first))
                throw new ArgumentException(first == spec ? $"custom action '{spec}' is given twice" : $"custom actions '{first}' and '{spec}' are the same action");
            seen[canonical] = spec;
            actions.Add(action);
        }
        CheckPipelineElements(passes);
        return new MlirActionSpace(MlirActionSpace.Custom,
            $"Actions defined by the user, each named by its spec: transformations of the root linalg operation ({string.Join(", ", s_kinds.Values.Select(k => k.Usage))}) and MLIR 22 pass-pipeline elements",
            actions);
    }

    /// <summary>The transformation a spec gives, with its parameters; null for a pass-pipeline element.</summary>
    private static (string Keyword, Kind Kind, IReadOnlyList<int> Parameters)? Transformation(string spec)
    {
        var match = s_spec.Match(spec);
        if (!match.Success) return null;
        string keyword = match.Groups["kind"].Value;
        bool hasList = match.Groups["list"].Success;
        if (!s_kinds.TryGetValue(keyword, out var kind))
            return hasList ? throw new UnknownNameException($"custom action '{spec}': unknown transformation '{keyword}' (known: {string.Join(", ", s_kinds.Keys)})") : null;
        IReadOnlyList<int> parameters = [];
        if (hasList)
        {
            var list = s_list.Match(match.Groups["list"].Value);
            if (!list.Success)
                throw new ArgumentException($"custom action '{spec}' is malformed: expected {kind.Usage}, non-negative integers separated by commas");
            var values = new List<int>();
            foreach (Capture n in list.Groups["n"].Captures)
                values.Add(int.TryParse(n.Value, out int value) ? value
                    : throw new ArgumentException($"custom action '{spec}': {n.Value} is too large"));
            parameters = values;
        }
        if (kind.Check(parameters) is { } error) throw new ArgumentException($"custom action '{spec}': {error} ({kind.Usage})");
        return (keyword, kind, parameters);
    }

    private static string? Sizes(IReadOnlyList<int> sizes) =>
        sizes.Count == 0 ? "it needs a size per loop" : sizes.All(s => s == 0) ? "every size is 0, which tiles nothing" : null;

    private static string? Permutation(IReadOnlyList<int> order) =>
        order.Count == 0 ? "it needs the new order of the loops"
        : order.Order().SequenceEqual(Enumerable.Range(0, order.Count)) ? null
        : $"[{string.Join(",", order)}] is not a permutation of 0..{order.Count - 1}";

    private static string? Factor(IReadOnlyList<int> factor) =>
        factor.Count != 1 ? "it takes one factor" : factor[0] < 2 ? "the factor must be at least 2" : null;

    private static string? NoParameters(IReadOnlyList<int> parameters) => parameters.Count == 0 ? null : "it takes no parameters";

    /// <summary>
    /// Runs each pass-pipeline element on an empty module, as a step runs it: MLIR's parser rejects
    /// an unknown pass, a malformed option, or a pass that cannot run on a module without nesting.
    /// </summary>
    private static void CheckPipelineElements(IReadOnlyList<string> elements)
    {
        if (elements.Count == 0) return;
        using var empty = MlirModule.Parse("module {}", "an empty module");
        foreach (string element in elements)
        {
            try
            {
                empty.RunPipeline($"builtin.module({element})");
            }
            catch (MlirException e)
            {
                throw new ArgumentException(
                    $"custom action '{element}' is neither a transformation ({string.Join(", ", s_kinds.Keys)}) nor an MLIR pass-pipeline element that runs on a module: {e.Message.TrimEnd()}");
            }
        }
    }
}
