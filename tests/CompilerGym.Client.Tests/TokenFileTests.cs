using System.Runtime.Versioning;
using CompilerGym.Protocol;

namespace CompilerGym.Client.Tests;

/// <summary>Where the default token file is, when clients send its token, and how it is made.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class TokenFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cgym-token-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("/run/t", "/xdg", "/run/t")]
    [InlineData("", "/xdg", "/xdg/compiler-gym-dotnet/token")]
    [InlineData(null, "/xdg", "/xdg/compiler-gym-dotnet/token")]
    [InlineData(null, "", "/home/u/.config/compiler-gym-dotnet/token")]
    [InlineData(null, null, "/home/u/.config/compiler-gym-dotnet/token")]
    public void The_default_token_file_is_CGYM_TOKEN_FILE_else_under_XDG_CONFIG_HOME_else_under_dot_config(
        string? tokenFile, string? xdgConfigHome, string expected)
    {
        var variables = new Dictionary<string, string?> { [TokenFile.PathVariable] = tokenFile, ["XDG_CONFIG_HOME"] = xdgConfigHome };
        Assert.Equal(expected, TokenFile.DefaultPathFor(name => variables.GetValueOrDefault(name), "/home/u"));
    }

    [Theory]
    [InlineData("http://127.0.0.1:50051", true)]
    [InlineData("http://127.8.9.10:50051", true)]
    [InlineData("http://[::1]:50051", true)]
    [InlineData("https://localhost:50051", true)]
    [InlineData("http://LocalHost:50051", true)]
    [InlineData("http://10.0.0.1:50051", false)]
    [InlineData("http://[2001:db8::1]:50051", false)]
    [InlineData("http://example.org:50051", false)]
    [InlineData("http://localhost.example.org:50051", false)]
    public void Only_a_loopback_server_gets_the_default_files_token(string address, bool loopback) =>
        Assert.Equal(loopback, TokenFile.IsLoopback(new Uri(address)));

    [Fact]
    public void Servers_starting_together_share_the_token_file_the_first_of_them_makes()
    {
        string path = Path.Combine(_folder, "token");
        var tokens = new string[8];
        Parallel.For(0, tokens.Length, new ParallelOptions { MaxDegreeOfParallelism = tokens.Length }, i => tokens[i] = TokenFile.ReadOrCreate(path));
        Assert.Single(tokens.Distinct());
        Assert.Equal(tokens[0], TokenFile.Read(path));
        // No temporary file is left behind.
        Assert.Single(Directory.EnumerateFileSystemEntries(_folder));
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    public void A_token_file_without_one_header_safe_token_is_refused(string content)
    {
        string path = Path.Combine(_folder, "token");
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Contains("must hold one token", Assert.Throws<IOException>(() => TokenFile.Read(path)).Message);
    }
}
