using CompilerGym.Protocol;

namespace CompilerGym.Service.Hosting;

/// <summary>
/// The token every call must carry, and the file it is in when the refusals may name it: only a
/// loopback server's clients share its machine, so only to them is its path of use.
/// </summary>
public sealed record ServiceToken(string Value, string? LocalFile)
{
    /// <summary><c>Service:Token</c>, else the token in <c>Service:TokenFile</c> or the user's default token file, made if absent.</summary>
    public static ServiceToken For(ServiceOptions options, bool loopback)
    {
        if (options.Token is { Length: > 0 } token) return new(token, null);
        string path = options.TokenFile is { Length: > 0 } file ? file : TokenFile.DefaultPath;
        return new(TokenFile.ReadOrCreate(path), loopback ? path : null);
    }
}
