using System.Net;
using System.Net.Sockets;
using CompilerGym.Service.Tests;
using Grpc.Core;

namespace CompilerGym.Client.Tests;

/// <summary>A client given several addresses goes on through the next when its gateway is gone, with real servers.</summary>
[Collection(ServerCollection.Name)]
public class FailoverTests(TestServer server)
{
    private const string Crc32 = "benchmark://builtin-v0/crc32";

    [Fact]
    public void An_env_passes_over_an_address_that_refuses_connections()
    {
        using var env = new RemoteEnv($"{DeadAddress()},{server.Address}", observationSpace: "IrInstructionCount");
        env.Reset(Crc32);
        env.Step(env.ActionSpace.IndexOf("mem2reg"));
        using var fork = env.Fork();
        fork.Step(fork.ActionSpace.IndexOf("gvn"));
        Assert.Equal(["mem2reg", "gvn"], fork.State.Actions);
        Assert.True(env.Validate().Ok);

        using var envs = new RemoteVectorEnv($"{DeadAddress()}, {server.Address}", 2);
        envs.Reset([Crc32, Crc32]);
        Assert.All(envs.TryStep([0, 1]), Assert.NotNull);
    }

    [Fact]
    public void When_no_address_answers_the_error_names_each()
    {
        string first = DeadAddress(), second = DeadAddress();
        var error = Assert.Throws<RpcException>(() => new RemoteEnv($"{first},{second}"));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains($"{first}, {second}", error.Status.Detail);
    }

    [Fact]
    public void Every_address_of_a_list_is_checked()
    {
        Assert.Throws<ArgumentException>(() => new RemoteEnv($"{server.Address},not a url"));
        Assert.Throws<ArgumentException>(() => new RemoteEnv(" , "));
    }

    [Fact]
    public async Task A_stopped_server_s_next_call_goes_to_the_next_address()
    {
        var first = new QuickToStopServer();
        await first.InitializeAsync();
        using var env = new RemoteEnv($"{first.Address},{server.Address}");
        env.Reset(Crc32);
        env.Step(0);
        string session = env.SessionId!;
        await first.DisposeAsync();

        // Two single servers share no sessions: the second answering that it knows none proves the step went there.
        var error = Assert.Throws<InvalidOperationException>(() => env.Step(0));
        Assert.Contains($"unknown session '{session}'", error.Message);
        Assert.StartsWith("22.", env.ServerLlvmVersion);
    }

    [Fact]
    public async Task An_env_whose_server_is_gone_is_disposed_without_an_error()
    {
        var gone = new QuickToStopServer();
        await gone.InitializeAsync();
        var env = new RemoteEnv(gone.Address);
        env.Reset(Crc32);
        env.Step(0);
        await gone.DisposeAsync();
        env.Dispose();
    }

    // Stops in a second, rather than waiting the default 30 for the client's open stream to end.
    private sealed class QuickToStopServer() : TestServer(new() { ["shutdownTimeoutSeconds"] = "1" });

    // A loopback address whose port nothing listens on: connecting to it is refused.
    private static string DeadAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
    }
}

/// <summary>Failover on a toy cluster whose two gateways share its sessions: a step is applied once, a fork made once, and forks move with their env.</summary>
public sealed class ClusterFailoverTests : IAsyncLifetime
{
    private readonly ToyCluster _cluster = new();
    private ClusterGateway _first = null!;
    private ClusterGateway _second = null!;

    public async Task InitializeAsync()
    {
        _first = await ClusterGateway.StartAsync(_cluster);
        _second = await ClusterGateway.StartAsync(_cluster);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    private string Addresses => $"{_first.Address},{_second.Address}";

    [Fact]
    public void A_step_whose_gateway_dropped_it_is_sent_again_with_its_id_and_applied_once()
    {
        using var env = new RemoteEnv(Addresses, token: "toy");
        env.Reset("benchmark://toy/one");
        Assert.Equal(1.0, env.Step(0).Reward);
        using var fork = env.Fork();

        _first.DropAfterNextStep = true;
        Assert.Equal(3.0, env.Step(1).Reward);
        Assert.Equal(3, _cluster.Applied(env.SessionId!));
        Assert.Equal(2, _first.StepIds.Count);
        Assert.Equal([_first.StepIds[1]], _second.StepIds);
        Assert.NotEqual(_first.StepIds[0], _first.StepIds[1]);

        // The env's later steps, and its fork's, go straight to the second gateway, each with an id of its own.
        Assert.Equal(4.0, env.Step(0).Reward);
        Assert.Equal(2.0, fork.Step(0).Reward);
        Assert.Equal(2, _first.StepIds.Count);
        Assert.Equal(3, _second.StepIds.Distinct().Count());
    }

    [Fact]
    public void A_start_whose_gateway_dropped_it_is_sent_again_with_its_id_and_makes_one_session()
    {
        _first.DropAfterNextStart = true;
        using var env = new RemoteEnv(Addresses, token: "toy");
        env.Reset("benchmark://toy/one");
        Assert.Equal(1, _cluster.Sessions);
        string sent = Assert.Single(_first.StartIds);
        Assert.Equal([sent], _second.StartIds);
        Assert.Equal(32, sent.Length);

        // Another env's start (through the first gateway, as its connection is its own) has an id of its own.
        using var other = new RemoteEnv(Addresses, token: "toy");
        other.Reset("benchmark://toy/two");
        Assert.Equal(2, _cluster.Sessions);
        Assert.Equal(2, _first.StartIds.Distinct().Count());
    }

    [Fact]
    public void A_fork_whose_gateway_dropped_it_is_sent_again_with_its_id_and_makes_one_fork()
    {
        using var env = new RemoteEnv(Addresses, token: "toy");
        env.Reset("benchmark://toy/one");
        env.Step(1);
        _first.DropAfterNextFork = true;
        using var fork = (RemoteEnv)env.Fork();
        Assert.Equal(2, _cluster.Sessions);
        Assert.Equal(2, _cluster.Applied(fork.SessionId!));
        string sent = Assert.Single(_first.ForkIds);
        Assert.Equal([sent], _second.ForkIds);
        Assert.Equal(32, sent.Length);

        // The next fork has an id of its own.
        using var next = env.Fork();
        Assert.Equal(3, _cluster.Sessions);
        Assert.Equal(2, _second.ForkIds.Distinct().Count());
    }

    [Fact]
    public void A_batch_of_steps_is_sent_again_with_the_same_ids()
    {
        using var envs = new RemoteVectorEnv(Addresses, 2, token: "toy");
        envs.Reset(["benchmark://toy/one", "benchmark://toy/two"]);
        _first.DropAfterNextStep = true;
        var steps = envs.TryStep([0, 1]);
        Assert.Equal([1.0, 2.0], steps.Select(s => s!.Reward));
        Assert.Equal(_first.StepIds, _second.StepIds);
        Assert.Equal(2, _second.StepIds.Distinct().Count());
        Assert.Equal(2, _cluster.Applied(((RemoteEnv)envs.Envs[1]).SessionId!));
    }

    [Fact]
    public void A_call_the_server_refuses_is_not_sent_again()
    {
        using var env = new RemoteEnv(Addresses, token: "toy");
        env.Reset("benchmark://toy/one");
        Assert.Throws<ArgumentException>(() => env.Step(5));
        Assert.Single(_first.StepIds);
        Assert.Empty(_second.StepIds);
    }
}
