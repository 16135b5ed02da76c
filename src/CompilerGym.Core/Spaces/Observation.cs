using System.Text.Json.Nodes;

namespace CompilerGym.Core.Spaces;

/// <summary>A value of an observation space; its subtype follows the space's <see cref="SpaceKind"/>.</summary>
public abstract record Observation
{
    public sealed record Int64Scalar(long Value) : Observation;
    public sealed record Int64Vector(long[] Values) : Observation
    {
        public bool Equals(Int64Vector? other) => other is not null && Values.AsSpan().SequenceEqual(other.Values);
        public override int GetHashCode() => Values.Length;
    }
    public sealed record Text(string Value) : Observation;
    public sealed record Bytes(byte[] Value) : Observation
    {
        public bool Equals(Bytes? other) => other is not null && Value.AsSpan().SequenceEqual(other.Value);
        public override int GetHashCode() => Value.Length;
    }

    /// <summary>A scalar observation as a number (costs are read this way).</summary>
    public double AsDouble() => this switch
    {
        Int64Scalar s => s.Value,
        _ => throw new InvalidOperationException($"{GetType().Name} observation is not a scalar"),
    };

    public long[] AsInt64Vector() => this is Int64Vector v ? v.Values
        : throw new InvalidOperationException($"{GetType().Name} observation is not an int64 vector");

    public string AsText() => this is Text t ? t.Value
        : throw new InvalidOperationException($"{GetType().Name} observation is not text");

    public byte[] AsBytes() => this is Bytes b ? b.Value
        : throw new InvalidOperationException($"{GetType().Name} observation is not bytes");

    /// <summary>The value as JSON: numbers, arrays, strings; bytes in base64.</summary>
    public JsonNode ToJson() => this switch
    {
        Int64Scalar s => JsonValue.Create(s.Value),
        Int64Vector v => new JsonArray([.. v.Values.Select(x => (JsonNode)JsonValue.Create(x))]),
        Text t => JsonValue.Create(t.Value),
        Bytes b => JsonValue.Create(Convert.ToBase64String(b.Value)),
        _ => throw new InvalidOperationException(),
    };

    /// <summary>The value for people: vectors in brackets, bytes as a length.</summary>
    public sealed override string ToString() => this switch
    {
        Int64Scalar s => s.Value.ToString(),
        Int64Vector v => $"[{string.Join(", ", v.Values)}]",
        Text t => t.Value,
        Bytes b => $"<{b.Value.Length} bytes>",
        _ => GetType().Name,
    };
}
