using CompilerGym.Agents.Search;
using CompilerGym.Core.Envs;
using CompilerGym.Environments;
using CompilerGym.Llvm.Env;
using CompilerGym.Service.Tests;
using Grpc.Core;

namespace CompilerGym.Client.Tests;

/// <summary>The remote environment behaves as the in-process one: same observations, rewards, states, errors.</summary>
[Collection(ServerCollection.Name)]
public class RemoteEnvTests(TestServer server)
{
    private static readonly string[] s_actions = ["mem2reg", "instcombine", "simplifycfg", "inline", "gvn", "licm", "loop-unroll", "adce", "globaldce", "sroa"];

    [Theory]
    [InlineData("benchmark://builtin-v0/crc32")]
    [InlineData("benchmark://builtin-v0/qsort")]
    public void An_episode_gives_the_same_results_remotely_and_in_process(string benchmark)
    {
        using var local = new LlvmEnv(observationSpace: "Autophase", rewardSpace: "IrInstructionCountOz");
        using var remote = new RemoteEnv(server.Address, observationSpace: "Autophase", rewardSpace: "IrInstructionCountOz");
        var localReset = local.Reset(benchmark);
        var remoteReset = remote.Reset(benchmark);
        Assert.Equal(localReset.Observation, remoteReset.Observation);
        Assert.Equal(local.ActionSpace, remote.ActionSpace);

        var extras = new StepOptions(["IrInstructionCount", "ObjectTextSizeBytes", "IrSha1"], ["ObjectTextSizeOz"]);
        foreach (string name in s_actions)
        {
            int id = local.ActionSpace.IndexOf(name);
            var a = local.Step(id, extras);
            var b = remote.Step(id, extras);
            Assert.Equal(a.Observation, b.Observation);
            Assert.Equal(a.Reward, b.Reward);
            Assert.Equal(a.Info.IrChanged, b.Info.IrChanged);
            Assert.Equal(a.Info.Observations, b.Info.Observations);
            Assert.Equal(a.Info.Rewards, b.Info.Rewards);
        }
        Assert.Equal(local.Observe("Ir"), remote.Observe("Ir"));
        Assert.Equal(local.State with { Walltime = 0 }, remote.State with { Walltime = 0 });
        Assert.Equal(local.Commandline(), remote.Commandline());
        Assert.True(remote.Validate().Ok);
    }

    [Fact]
    public void Forks_and_resets_work_as_in_process()
    {
        using var remote = new RemoteEnv(server.Address, observationSpace: "IrInstructionCount");
        remote.Reset("benchmark://builtin-v0/crc32");
        remote.Step(remote.ActionSpace.IndexOf("mem2reg"));
        using var fork = remote.Fork();
        fork.Step(fork.ActionSpace.IndexOf("gvn"));
        Assert.Equal(["mem2reg"], remote.State.Actions);
        Assert.Equal(["mem2reg", "gvn"], fork.State.Actions);

        var reset = remote.Reset("benchmark://builtin-v0/sha256", new ResetOptions(CustomActions: ["function(sroa)", "function(gvn)"]));
        Assert.Equal("benchmark://builtin-v0/sha256", remote.Benchmark);
        Assert.Equal(2, remote.ActionSpace.N);
        remote.Step([0, 1]);
        var state = remote.State;
        Assert.Equal(["function(sroa)", "function(gvn)"], state.CustomActions);
        Assert.True(remote.Validate(state).Ok);
        Assert.True(reset.Observation!.AsDouble() > remote.Observe("IrInstructionCount").AsDouble());
    }

    [Fact]
    public void Errors_arrive_as_the_in_process_exception_types()
    {
        using var remote = new RemoteEnv(server.Address);
        Assert.Throws<InvalidOperationException>(() => remote.Step(0));
        // Unknown names come with the reason UNKNOWN_NAME, as the in-process env's UnknownNameException.
        Assert.Throws<Core.Spaces.UnknownNameException>(() => remote.Reset("benchmark://builtin-v0/no-such-program"));
        remote.Reset("benchmark://builtin-v0/crc32");
        Assert.Throws<Core.Spaces.UnknownNameException>(() => remote.Step(100_000));
        Assert.Throws<Core.Spaces.UnknownNameException>(() => remote.Observe("NoSuchSpace"));
        Assert.Throws<Core.Spaces.UnknownNameException>(() => new RemoteEnv(server.Address, observationSpace: "NoSuchSpace"));
        Assert.Throws<ArgumentException>(() => new RemoteEnv("not a url"));
    }

    [Fact]
    public void A_crash_surfaces_as_an_rpc_error_and_the_env_goes_on()
    {
        using var remote = new RemoteEnv(server.Address);
        remote.Reset(TestServer.Fixture("instcombine-fixpoint.ll"), new ResetOptions(CustomActions: ["function(instcombine)", "function(sroa)"]));
        var error = Assert.Throws<RpcException>(() => remote.Step(0));
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        remote.Step(1);
        Assert.Equal(["function(sroa)"], remote.State.Actions);
    }

    public static TheoryData<string> Searches => ["random", "greedy", "beam"];

    [Theory]
    [MemberData(nameof(Searches))]
    public void An_agent_switches_to_the_server_by_configuration_alone(string search)
    {
        // A step budget makes every search deterministic, so both envs must give the same result.
        var options = new SearchOptions { MaxEvaluations = 250, MaxEpisodeLength = 4, Seed = 3 };
        SearchResult Search(EnvOptions envOptions)
        {
            using var env = EnvFactory.Create(envOptions);
            env.Reset("benchmark://builtin-v0/crc32");
            ISearch method = search switch { "random" => new RandomSearch(), "greedy" => new GreedySearch(), _ => new BeamSearch(maxWidth: 2) };
            var result = method.Run(env, options);
            Assert.Equal(result.ActionNames, env.State.Actions);
            return result;
        }
        var local = Search(new EnvOptions());
        var remote = Search(new EnvOptions(Remote: server.Address));
        Assert.NotEmpty(local.Steps);
        Assert.Equal(local.ActionNames, remote.ActionNames);
        Assert.Equal(local.BestCost, remote.BestCost);
        Assert.Equal(local.Evaluations, remote.Evaluations);
    }
}
