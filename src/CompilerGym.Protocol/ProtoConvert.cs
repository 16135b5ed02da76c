using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;
using CompilerGym.Protocol.V1;
using Google.Protobuf;
using CoreSpace = CompilerGym.Core.Spaces.Space;
using CoreObservation = CompilerGym.Core.Spaces.Observation;
using ProtoSpace = CompilerGym.Protocol.V1.Space;
using ProtoObservation = CompilerGym.Protocol.V1.Observation;

namespace CompilerGym.Protocol;

/// <summary>Conversions between the environment's own types and the messages of the contract.</summary>
public static class ProtoConvert
{
    public static ProtoSpace ToProto(this CoreSpace space)
    {
        var proto = new ProtoSpace
        {
            Name = space.Name,
            Kind = space.Kind switch
            {
                Core.Spaces.SpaceKind.Discrete => V1.SpaceKind.Discrete,
                Core.Spaces.SpaceKind.Int64Scalar => V1.SpaceKind.Int64Scalar,
                Core.Spaces.SpaceKind.Int64Vector => V1.SpaceKind.Int64Vector,
                Core.Spaces.SpaceKind.Float64Scalar => V1.SpaceKind.Float64Scalar,
                Core.Spaces.SpaceKind.Text => V1.SpaceKind.Text,
                Core.Spaces.SpaceKind.Bytes => V1.SpaceKind.Bytes,
                _ => throw new ArgumentOutOfRangeException(nameof(space), space.Kind, "unknown space kind"),
            },
            Deterministic = space.Deterministic,
            PlatformDependent = space.PlatformDependent,
            Description = space.Description,
        };
        proto.Shape.AddRange(space.Shape);
        // A half-bounded space has an infinite bound on its open side.
        if (space.Low is not null || space.High is not null)
            proto.Bounds = new Bounds { Low = space.Low ?? double.NegativeInfinity, High = space.High ?? double.PositiveInfinity };
        if (space.Names is { } names) proto.Names.AddRange(names);
        return proto;
    }

    public static CoreSpace ToCore(this ProtoSpace space) => new(
        space.Name,
        space.Kind switch
        {
            V1.SpaceKind.Discrete => Core.Spaces.SpaceKind.Discrete,
            V1.SpaceKind.Int64Scalar => Core.Spaces.SpaceKind.Int64Scalar,
            V1.SpaceKind.Int64Vector => Core.Spaces.SpaceKind.Int64Vector,
            V1.SpaceKind.Float64Scalar => Core.Spaces.SpaceKind.Float64Scalar,
            V1.SpaceKind.Text => Core.Spaces.SpaceKind.Text,
            V1.SpaceKind.Bytes => Core.Spaces.SpaceKind.Bytes,
            _ => throw new FormatException($"space '{space.Name}' has an unknown kind {space.Kind}"),
        },
        [.. space.Shape],
        space.Bounds is { Low: var low } && !double.IsInfinity(low) ? low : null,
        space.Bounds is { High: var high } && !double.IsInfinity(high) ? high : null,
        space.Deterministic,
        space.PlatformDependent,
        space.Description,
        space.Names.Count > 0 ? [.. space.Names] : null);

    public static ProtoObservation ToProto(this CoreObservation observation) => observation switch
    {
        CoreObservation.Int64Scalar s => new ProtoObservation { Int64Scalar = s.Value },
        CoreObservation.Int64Vector v => new ProtoObservation { Int64Vector = new Int64List { Values = { v.Values } } },
        CoreObservation.Text t => new ProtoObservation { Text = t.Value },
        CoreObservation.Bytes b => new ProtoObservation { Bytes = ByteString.CopyFrom(b.Value) },
        _ => throw new ArgumentOutOfRangeException(nameof(observation), observation.GetType().Name, "unknown observation type"),
    };

    public static CoreObservation ToCore(this ProtoObservation observation) => observation.ValueCase switch
    {
        ProtoObservation.ValueOneofCase.Int64Scalar => new CoreObservation.Int64Scalar(observation.Int64Scalar),
        ProtoObservation.ValueOneofCase.Int64Vector => new CoreObservation.Int64Vector([.. observation.Int64Vector.Values]),
        ProtoObservation.ValueOneofCase.Text => new CoreObservation.Text(observation.Text),
        ProtoObservation.ValueOneofCase.Bytes => new CoreObservation.Bytes(observation.Bytes.ToByteArray()),
        _ => throw new FormatException($"observation of unsupported kind {observation.ValueCase}"),
    };

    public static State ToProto(this EnvState state)
    {
        var proto = new State
        {
            Benchmark = state.Benchmark,
            ActionSpace = state.ActionSpace,
            RewardSpace = state.RewardSpace ?? "",
            Reward = state.Reward,
            Walltime = state.Walltime,
        };
        proto.Actions.AddRange(state.Actions);
        if (state.CustomActions is { } custom) proto.CustomActions.AddRange(custom);
        return proto;
    }

    public static EnvState ToCore(this State state) => new(
        state.Benchmark,
        state.ActionSpace,
        [.. state.Actions],
        state.RewardSpace.Length > 0 ? state.RewardSpace : null,
        state.Reward,
        state.Walltime,
        state.CustomActions.Count > 0 ? [.. state.CustomActions] : null);

    /// <summary>An empty string as "not given", the way proto3 strings (and unset variables) say it.</summary>
    public static string? OrNull(this string? value) => string.IsNullOrEmpty(value) ? null : value;
}
