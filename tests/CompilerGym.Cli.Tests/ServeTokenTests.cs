using System.Runtime.Versioning;

namespace CompilerGym.Cli.Tests;

/// <summary>
/// <c>cgym serve</c> and the remote commands find their token themselves, in the default token
/// file or the one named by --token-file; each test's processes get a temporary config folder.
/// </summary>
[SupportedOSPlatform("linux")] // /proc shows a process's command line
public sealed class ServeTokenTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _folder = Directory.CreateTempSubdirectory("cgym-serve-token-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Environment variables that put the default token file under <paramref name="configHome"/> (by default a folder with none).</summary>
    private Dictionary<string, string> Config(string configHome = "no-config") => new()
    {
        ["XDG_CONFIG_HOME"] = Path.Combine(_folder, configHome),
        [Protocol.TokenFile.PathVariable] = "",
        ["CGYM_TOKEN"] = "",
    };

    // One step of one search: enough to start a session, step it and validate it on the server.
    private string[] Tune(string address) =>
        ["tune", "benchmark://builtin-v0/crc32", "--action-space", "llvm-22-passes", "--search", "greedy", "--time", "0", "--max-steps", "1",
            "-o", Path.Combine(_folder, "out"), "--remote", address];

    [Fact]
    public void Serve_makes_the_default_token_file_under_XDG_CONFIG_HOME_and_a_client_there_finds_it()
    {
        string expected = Path.Combine(_folder, "config", "compiler-gym-dotnet", "token");
        using var server = new ServeProcess(Config("config"));
        Assert.Equal(expected, server.TokenFile);
        Assert.Equal(Private, File.GetUnixFileMode(expected));
        Assert.Equal(Private | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(expected)!));

        var found = CgymProcess.Run(Config("config"), Tune(server.Address));
        Assert.True(found.ExitCode == 0, found.Stdout + found.Stderr);

        // A client whose default token file is elsewhere (another user's, say) is refused, and told where the server's is.
        var elsewhere = CgymProcess.Run(Config("other-config"), Tune(server.Address));
        Assert.Equal(1, elsewhere.ExitCode);
        Assert.Contains("this server needs a token", elsewhere.Stderr);
        Assert.Contains($"(the token is in {expected})", elsewhere.Stderr);
    }

    [Fact]
    public void Serve_reads_a_token_file_so_the_token_is_not_on_its_command_line()
    {
        const string Token = "a-token-only-in-a-file";
        string file = Path.Combine(_folder, "secret");
        File.WriteAllText(file, Token + "\n");
        File.SetUnixFileMode(file, Private);
        using var server = new ServeProcess(Config(), "--token-file", file);
        string commandLine = File.ReadAllText($"/proc/{server.Id}/cmdline").Replace('\0', ' ');
        Assert.Contains($"serve --port 0 --token-file {file}", commandLine);
        Assert.DoesNotContain(Token, commandLine);

        // The default token file is not that one: the client's --token-file is what lets it in.
        var given = CgymProcess.Run(Config(), [.. Tune(server.Address), "--token-file", file]);
        Assert.True(given.ExitCode == 0, given.Stdout + given.Stderr);
        var withVariable = Config();
        withVariable["CGYM_TOKEN"] = Token;
        var fromEnvironment = CgymProcess.Run(withVariable, Tune(server.Address));
        Assert.True(fromEnvironment.ExitCode == 0, fromEnvironment.Stdout + fromEnvironment.Stderr);
        var without = CgymProcess.Run(Config(), Tune(server.Address));
        Assert.Equal(1, without.ExitCode);
        Assert.Contains("this server needs a token", without.Stderr);
    }

    [Theory]
    [InlineData("--token", "t", "--token-file", "f", "give --token or --token-file, not both")]
    [InlineData("--token-file", "/no/such/token", "--seed", "0", "no token file /no/such/token")]
    public void Bad_token_options_exit_with_a_clear_message(string option, string value, string other, string otherValue, string message)
    {
        var run = CgymProcess.Run(Config(), [.. Tune("http://127.0.0.1:1"), option, value, other, otherValue]);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("cgym: error: ", run.Stderr);
        Assert.Contains(message, run.Stderr);
    }
}
