using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace CompilerGym.Protocol;

/// <summary>
/// The file holding a server's bearer token. By default there is one per user, which the servers
/// they start create and the clients they run on the same machine read:
/// <c>$CGYM_TOKEN_FILE</c>, else <c>$XDG_CONFIG_HOME/compiler-gym-dotnet/token</c>, else
/// <c>~/.config/compiler-gym-dotnet/token</c>. It is not under the benchmark cache, which sandboxed
/// workers can read. A token file that others may read or write is refused, as ssh refuses such a
/// key: its token may already be known, and quietly tightening the mode would hide that.
/// </summary>
public static class TokenFile
{
    public const string PathVariable = "CGYM_TOKEN_FILE";

    private const int TokenBytes = 32;
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateFolder = Private | UnixFileMode.UserExecute;
    private const UnixFileMode OthersAccess = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The default token file of this process's user, by the rules above.</summary>
    public static string DefaultPath =>
        DefaultPathFor(Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>The default token file given the environment variables and the home folder; an empty variable counts as unset.</summary>
    public static string DefaultPathFor(Func<string, string?> variable, string home)
    {
        if (variable(PathVariable) is { Length: > 0 } file) return file;
        string config = variable("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(home, ".config");
        return Path.Combine(config, "compiler-gym-dotnet", "token");
    }

    /// <summary>
    /// What a client not given a token sends to <paramref name="server"/>: the default file's token
    /// when the server is on this machine (a loopback address), else none, since that token opens
    /// the user's servers here to whoever receives it.
    /// </summary>
    public static string? DefaultTokenFor(Uri server) => IsLoopback(server) ? TryRead(DefaultPath) : null;

    /// <summary>Whether <paramref name="server"/> is on this machine: localhost, 127.0.0.0/8 or ::1.</summary>
    public static bool IsLoopback(Uri server) =>
        server.HostNameType == UriHostNameType.Dns ? server.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            : IPAddress.TryParse(server.DnsSafeHost, out var address) && IPAddress.IsLoopback(address);

    /// <summary>The token in <paramref name="path"/>, or null when there is no such file.</summary>
    public static string? TryRead(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read);
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(stream.SafeFileHandle) & OthersAccess) != 0)
                throw new IOException($"token file {path} may be read or written by other users: make a new one (delete it), or if it is still secret, chmod 600 {path}");
            using var reader = new StreamReader(stream, Encoding.UTF8);
            string token = reader.ReadToEnd().Trim();
            // A token travels in an HTTP header, which carries printable ASCII only.
            if (token.Length == 0 || token.Any(c => c is < '!' or > '~'))
                throw new IOException($"token file {path} must hold one token of printable ASCII characters without spaces");
            return token;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"cannot read token file {path}: {e.Message}", e);
        }
    }

    /// <summary>The token in <paramref name="path"/>; a missing file is an error.</summary>
    public static string Read(string path) => TryRead(path) ?? throw new FileNotFoundException($"no token file {path}", path);

    /// <summary>
    /// The token in <paramref name="path"/>, made from a cryptographic random number first when there
    /// is no such file. The file is private to its user from its creation (mode 0600, in a folder
    /// of mode 0700 when the folder is new; on Windows, which has no modes, the user profile's
    /// permissions protect it) and appears whole.
    /// </summary>
    public static string ReadOrCreate(string path)
    {
        if (TryRead(path) is { } existing) return existing;
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, PrivateFolder);
        string temporary = Path.Combine(folder, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = Private;
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(TokenBytes)) + "\n"));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: false);
        }
        // Another process made the file first (two servers starting together): both use its token.
        catch (IOException) when (File.Exists(path))
        {
        }
        finally
        {
            File.Delete(temporary);
        }
        return Read(path);
    }
}
