using System.Runtime.Versioning;
using CompilerGym.Protocol;
using CompilerGym.Service.Hosting;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Proto = CompilerGym.Protocol.V1;

namespace CompilerGym.Service.Tests;

/// <summary>A server given no token uses the one in the default token file, on loopback too.</summary>
[Collection(ServerCollection.Name)]
public class DefaultTokenTests(TestServer server)
{
    [Fact]
    public async Task A_loopback_server_with_no_token_configured_needs_the_default_token_files()
    {
        string token = TokenFile.Read(TestServer.DefaultTokenFile);
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(server.Address);
        var client = new Proto.CompilerGym.CompilerGymClient(channel);
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await client.GetVersionAsync(new Proto.GetVersionRequest()));
        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
        Assert.EndsWith($"(the token is in {TestServer.DefaultTokenFile})", missing.Status.Detail);
        var wrong = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.GetVersionAsync(new Proto.GetVersionRequest(), new Metadata { { "authorization", "Bearer guess" } }));
        Assert.Equal(StatusCode.PermissionDenied, wrong.StatusCode);
        Assert.EndsWith($"(the token is in {TestServer.DefaultTokenFile})", wrong.Status.Detail);
        var right = await client.GetVersionAsync(new Proto.GetVersionRequest(), new Metadata { { "authorization", $"Bearer {token}" } });
        Assert.Equal("compiler_gym.v1", right.Protocol);
    }
}

/// <summary>How a server reads, makes and refuses token files (built, not started).</summary>
[UnsupportedOSPlatform("windows")]
public sealed class TokenFileTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _folder = Directory.CreateTempSubdirectory("cgym-token-test-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<ServiceToken> TokenOf(string tokenFile, string host = "127.0.0.1")
    {
        await using var app = ServiceHost.Build([], [new("Service:Port", "0"), new("Service:Host", host), new("Service:TokenFile", tokenFile)]);
        return app.Services.GetRequiredService<ServiceToken>();
    }

    [Fact]
    public async Task A_missing_token_file_is_made_private_to_its_user_with_a_random_token_then_kept()
    {
        string folder = Path.Combine(_folder, "new");
        string path = Path.Combine(folder, "token");
        var made = await TokenOf(path);
        Assert.Matches("^[0-9a-f]{64}$", made.Value);
        Assert.Equal(path, made.LocalFile);
        Assert.Equal(Private, File.GetUnixFileMode(path));
        Assert.Equal(Private | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        Assert.Single(Directory.EnumerateFileSystemEntries(folder));

        Assert.Equal(made.Value, (await TokenOf(path)).Value);
        Assert.NotEqual(made.Value, (await TokenOf(Path.Combine(_folder, "other"))).Value);
    }

    [Fact]
    public async Task A_token_file_other_users_may_read_is_refused()
    {
        string path = Path.Combine(_folder, "token");
        File.WriteAllText(path, "s3cret\n");
        File.SetUnixFileMode(path, Private | UnixFileMode.GroupRead);
        var error = await Assert.ThrowsAsync<IOException>(() => TokenOf(path));
        Assert.Contains($"token file {path} may be read or written by other users", error.Message);
        Assert.Contains($"chmod 600 {path}", error.Message);
    }

    [Fact]
    public async Task A_server_beyond_loopback_may_take_its_token_from_a_file_and_does_not_name_it()
    {
        string path = Path.Combine(_folder, "token");
        File.WriteAllText(path, "s3cret\n");
        File.SetUnixFileMode(path, Private);
        Assert.Equal(new ServiceToken("s3cret", null), await TokenOf(path, host: "0.0.0.0"));
    }
}
