using Grpc.Core;

namespace CompilerGym.Protocol;

/// <summary>
/// A machine-readable cause beside a status code, where the code alone does not say what a client
/// should do (FAILED_PRECONDITION for an inapplicable action, say): the trailer <see cref="Trailer"/>
/// of a unary call, <c>CallError.reason</c> on the call stream.
/// </summary>
public static class ErrorReason
{
    public const string Trailer = "cgym-reason";

    public static RpcException Exception(StatusCode code, string message, string? reason) =>
        string.IsNullOrEmpty(reason) ? new(new Status(code, message)) : new(new Status(code, message), new Metadata { { Trailer, reason } });

    /// <summary>The reason an error carries, or null.</summary>
    public static string? Of(RpcException e) => e.Trailers.GetValue(Trailer);
}
