using CompilerGym.Protocol;
using CompilerGym.Service.Tests;
using Grpc.Core;

namespace CompilerGym.Client.Tests;

/// <summary>A client given no token finds the server's in the default token file, which the test server uses.</summary>
[Collection(ServerCollection.Name)]
public class DefaultTokenClientTests(TestServer server)
{
    [Fact]
    public void A_client_given_no_token_sends_the_default_token_files_to_a_loopback_server()
    {
        Assert.Equal(server.Token, TokenFile.Read(TestServer.DefaultTokenFile));
        using var byAddress = new RemoteEnv(server.Address);
        Assert.StartsWith("22.", byAddress.ServerLlvmVersion);
        using var byName = new RemoteEnv(server.Address.Replace("127.0.0.1", "localhost"));
        Assert.StartsWith("22.", byName.ServerLlvmVersion);
    }

    [Fact]
    public void A_token_given_is_sent_instead_of_the_default_files()
    {
        var wrong = Assert.Throws<RpcException>(() => new RemoteEnv(server.Address, token: "guess"));
        Assert.Equal(StatusCode.PermissionDenied, wrong.StatusCode);
    }
}
