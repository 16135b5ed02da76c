using CompilerGym.Core.Spaces;

namespace CompilerGym.Llvm.Actions;

/// <summary>One action: a named, complete element of a new-pass-manager pipeline.</summary>
public sealed record LlvmAction(int Id, string Name, string Pipeline);

/// <summary>
/// A list of actions read from a text file beside this class (Actions/*.txt): one
/// <c>NAME&lt;TAB&gt;PIPELINE</c> line per action, ids in file order. The files also record, in
/// comments, which passes are left out and why.
/// </summary>
public sealed class LlvmActionSpace
{
    public const string Passes = "llvm-22-passes";
    public const string OzSubsequences = "llvm-22-oz-subsequences";
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
    /// multi-action step and opt-22 would disagree.
    /// </summary>
    public static string PipelineOf(IEnumerable<LlvmAction> actions) => string.Join(",invalidate<all>,", actions.Select(a => a.Pipeline));

    public static IReadOnlyList<LlvmActionSpace> All { get; } =
    [
        Load(Passes, "Individual LLVM 22 transform passes (new pass manager), each run as one pipeline element"),
        Load(OzSubsequences, "The passes of LLVM 22's default<Oz> pipeline, cut into coherent sub-pipelines"),
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

    /// <summary>Parses action names, or ids, separated by commas or spaces.</summary>
    public IReadOnlyList<LlvmAction> ParseList(string text) =>
        [.. text.Split([',', ' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => int.TryParse(t, out int id) ? this[id] : this[t])];

    private static LlvmActionSpace Load(string name, string description)
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
        return new LlvmActionSpace(name, description, actions);
    }
}
