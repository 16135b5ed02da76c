namespace CompilerGym.Core.Spaces;

/// <summary>What values a space holds.</summary>
public enum SpaceKind
{
    /// <summary>One of <c>N</c> choices, numbered 0..N-1 (action spaces).</summary>
    Discrete,
    Int64Scalar,
    Int64Vector,
    Float64Scalar,
    Text,
    Bytes,
}

/// <summary>
/// A self-describing space: everything a client needs to use it without knowing the environment.
/// <paramref name="Shape"/> is empty for scalars, text and bytes (whose length varies), and the
/// vector length otherwise; <paramref name="Names"/> names the discrete choices or vector elements.
/// </summary>
public sealed record Space(
    string Name,
    SpaceKind Kind,
    IReadOnlyList<int> Shape,
    double? Low,
    double? High,
    bool Deterministic,
    bool PlatformDependent,
    string Description,
    IReadOnlyList<string>? Names = null)
{
    /// <summary>The number of choices of a discrete space.</summary>
    public int N => Kind == SpaceKind.Discrete ? Names?.Count ?? 0
        : throw new InvalidOperationException($"space '{Name}' is {Kind}, not discrete");

    public static Space Discrete(string name, IReadOnlyList<string> choices, string description) =>
        new(name, SpaceKind.Discrete, [], 0, choices.Count - 1, true, false, description, choices);

    /// <summary>The index of a named choice or element; throws a clear error for an unknown name.</summary>
    public int IndexOf(string name)
    {
        int index = Names is null ? -1 : IndexLookup.Get(this).GetValueOrDefault(name, -1);
        return index >= 0 ? index : throw new UnknownNameException($"'{name}' is not in space '{Name}'");
    }

    /// <summary>Spaces are equal when every field is, lists compared element by element.</summary>
    public bool Equals(Space? other) => other is not null && Name == other.Name && Kind == other.Kind &&
        Shape.SequenceEqual(other.Shape) && Low == other.Low && High == other.High && Deterministic == other.Deterministic &&
        PlatformDependent == other.PlatformDependent && Description == other.Description &&
        (Names ?? []).SequenceEqual(other.Names ?? []);

    public override int GetHashCode() => HashCode.Combine(Name, Kind, Shape.Count, Names?.Count);

    public override string ToString() => $"{Name} ({Kind}{(Shape.Count > 0 ? $"[{string.Join(",", Shape)}]" : "")})";

    // Name lookups are built once per space instance, on first use.
    private static class IndexLookup
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Space, Dictionary<string, int>> s_tables = [];

        public static Dictionary<string, int> Get(Space space) => s_tables.GetValue(space, s =>
            s.Names!.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal));
    }
}

/// <summary>
/// A name (of a space, an action, a benchmark) that the environment does not know; remotely it
/// arrives as INVALID_ARGUMENT with the reason <see cref="Reason"/>, which malformed input lacks.
/// </summary>
public sealed class UnknownNameException(string message) : ArgumentException(message)
{
    public const string Reason = "UNKNOWN_NAME";
}
