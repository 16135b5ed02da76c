using CompilerGym.Core.Spaces;

namespace CompilerGym.Llvm.Actions;

/// <summary>One action: a named, complete element of a new-pass-manager pipeline.</summary>
public sealed record LlvmAction(int Id, string Name, string Pipeline);

/// <summary>
/// A list of actions read from a text file beside this class (Actions/*.txt): one
/// <c>NAME&lt;TAB&gt;PIPELINE</c> line per action, ids in file order. The files also record, in
/// comments, which passes are left out and why. <see cref="Tune"/> is made of the others, after
/// LLVM's standard pipelines.
/// </summary>
public sealed class LlvmActionSpace
{
    public const string Passes = "llvm-22-passes";
    public const string OzSubsequences = "llvm-22-oz-subsequences";
    /// <summary>The space <c>cgym tune</c> searches by default: LLVM's standard pipelines, the Oz sub-sequences, then single passes.</summary>
    public const string Tune = "llvm-22-tune";
    /// <summary>The name of an action space defined by its user: each action is named by its pipeline.</summary>
    public const string Custom = "llvm-22-custom";

    private readonly Dictionary<string, LlvmAction> _byName;

    public string Name { get; }
    public IReadOnlyList<LlvmAction> Actions { get; }
    public Space Space { get; }

    private LlvmActionSpace(string name, string description, IReadOnlyList<LlvmAction> actions)
    {
        Name = name;
        Actions = actions;
        _byName = actions.ToDictionary(a => a.Name, StringComparer.Ordinal);
        Space = Space.Discrete(name, [.. actions.Select(a => a.Name)], description);
    }

    /// <summary>
    /// The one pipeline text of actions taken in order, as one step or as many. Each action starts
    /// with no analyses cached, as it does when it is its own step (a new pass manager per call):
    /// without <c>invalidate&lt;all&gt;</c> between them, a later pass reuses an earlier one's
    /// analyses and can transform differently (mem2reg, reg2mem, lnicm did), so single steps, one
    /// multi-action step and opt-22 would disagree. GlobalsAA counts itself stateless and outlives
    /// <c>invalidate&lt;all&gt;</c> unless named: a default&lt;O2&gt; earlier in the pipeline left
    /// it cached, and loop-versioning on aes then left 3,001 instructions instead of 2,820.
    /// </summary>
    public static string PipelineOf(IEnumerable<LlvmAction> actions) =>
        string.Join(",invalidate<all>,invalidate<globals-aa>,", actions.Select(a => a.Pipeline));

    /// <summary>LLVM's standard pipelines as actions of <see cref="Tune"/>, named by their level: <c>Oz</c> runs <c>default&lt;Oz&gt;</c>.</summary>
    public static IReadOnlyList<LlvmAction> StandardPipelines { get; } =
        [.. new[] { "Oz", "Os", "O2", "O3" }.Select((level, id) => new LlvmAction(id, level, $"default<{level}>"))];

    /// <summary>
    /// Actions whose result is not a function of the program alone. LLVM 22's gvn-sink numbers an
    /// instruction by its users sorted by their addresses (InstructionUseExpr in GVNSink.cpp), so
    /// what it sinks follows the heap's layout: jump-threading then gvn-sink on builtin-v0/interp
    /// left 4,030 or 4,033 instructions from episode to episode in one process, each episode with
    /// its own LLVMContext, and a long opt-22 pipeline on debian-v0/minigzip gave two outputs in
    /// ten runs. They stay in <see cref="Passes"/>, which mirrors CompilerGym's space, and are left
    /// out of <see cref="Tune"/>, whose results must replay.
    /// </summary>
    public static IReadOnlySet<string> NotDeterministic { get; } = new HashSet<string>(StringComparer.Ordinal) { "gvn-sink" };

    // Before All, which reads them: static initializers run in order.
    private static readonly IReadOnlyList<LlvmAction> s_passes = Read(Passes);
    private static readonly IReadOnlyList<LlvmAction> s_ozSubsequences = Read(OzSubsequences);
    private static readonly IReadOnlyList<LlvmAction> s_floorVariants = Read("llvm-22-floor-variants");

    /// <summary>
    /// The whole pipelines a tuning's floor tries, in the order it tries them where its budget
    /// cannot afford all: -Oz first, then -Oz without inlining, then the other standard levels.
    /// </summary>
    public static IReadOnlyList<LlvmAction> FloorPipelines { get; } =
        [StandardPipelines[0], .. s_floorVariants.Take(1), .. StandardPipelines.Skip(1), .. s_floorVariants.Skip(1)];

    public static IReadOnlyList<LlvmActionSpace> All { get; } =
    [
        new(Passes, "Individual LLVM 22 transform passes (new pass manager), each run as one pipeline element", s_passes),
        new(OzSubsequences, "The passes of LLVM 22's default<Oz> pipeline, cut into coherent sub-pipelines", s_ozSubsequences),
        // Ids stay stable as the passes, which come last, are appended: the four levels, the floor
        // variants and the Oz sub-sequences (the whole of default<Oz>) are complete for LLVM 22.
        // Names are unique across the lists (a clash would fail here, at start-up).
        new(Tune, "LLVM 22's standard pipelines (Oz, Os, O2, O3) and -Oz without inlining, then the Oz sub-sequences, then the deterministic single passes: " +
            "searches start where the best of the whole pipelines ends", Concatenate(StandardPipelines, s_floorVariants, s_ozSubsequences,
                [.. s_passes.Where(a => !NotDeterministic.Contains(a.Name))])),
    ];

    public static LlvmActionSpace Get(string name) =>
        All.FirstOrDefault(s => s.Name == name)
        ?? throw new UnknownNameException($"unknown action space '{name}' (known: {string.Join(", ", All.Select(s => s.Name))})");

    /// <summary>
    /// The named built-in space, or, when <paramref name="customActions"/> are given, a space of
    /// those pipeline elements (checked by <see cref="Core.TargetMachine.CheckPipeline"/> before use).
    /// </summary>
    public static LlvmActionSpace Resolve(string? name, IReadOnlyList<string>? customActions)
    {
        if (customActions is not { Count: > 0 }) return Get(name is null or "" ? Passes : name);
        if (name is not (null or "" or Custom))
            throw new ArgumentException($"custom actions form their own action space, '{Custom}', not '{name}'");
        var blank = customActions.FirstOrDefault(string.IsNullOrWhiteSpace);
        if (blank is not null) throw new ArgumentException("a custom action is empty");
        var repeated = customActions.GroupBy(a => a).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new ArgumentException($"custom action '{repeated.Key}' is given twice");
        return new LlvmActionSpace(Custom, "Actions defined by the user: each a new-pass-manager pipeline element, named by its text",
            [.. customActions.Select((p, i) => new LlvmAction(i, p, p))]);
    }

    public bool IsCustom => Name == Custom;

    public LlvmAction this[int id] => id >= 0 && id < Actions.Count ? Actions[id]
        : throw new UnknownNameException($"action {id} is out of range for {Name} (0..{Actions.Count - 1})");

    public LlvmAction this[string name] => _byName.TryGetValue(name, out var action) ? action
        : throw new UnknownNameException($"unknown action '{name}' in {Name}");

    /// <summary>Lists of actions one after the other, numbered anew.</summary>
    private static List<LlvmAction> Concatenate(params IReadOnlyList<LlvmAction>[] lists) =>
        [.. lists.SelectMany(list => list).Select((a, id) => a with { Id = id })];

    private static List<LlvmAction> Read(string name)
    {
        using var stream = typeof(LlvmActionSpace).Assembly.GetManifestResourceStream($"Actions/{name}.txt")
            ?? throw new InvalidOperationException($"action list {name}.txt is missing from the assembly");
        var actions = new List<LlvmAction>();
        using var reader = new StreamReader(stream);
        for (string? line; (line = reader.ReadLine()) is not null;)
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split('\t', 2);
            if (parts.Length != 2) throw new InvalidDataException($"{name}.txt: expected NAME<TAB>PIPELINE, got '{line}'");
            actions.Add(new LlvmAction(actions.Count, parts[0].Trim(), parts[1].Trim()));
        }
        return actions;
    }
}
