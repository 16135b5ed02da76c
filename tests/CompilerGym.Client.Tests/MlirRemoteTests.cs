using CompilerGym.Core.Envs;
using CompilerGym.Mlir.Actions;
using CompilerGym.Mlir.Env;
using CompilerGym.Service.Tests;

namespace CompilerGym.Client.Tests;

/// <summary>mlir-v0 through the server: the same results as in process, and sessions that switch environment at reset.</summary>
[Collection(ServerCollection.Name)]
public class MlirRemoteTests(TestServer server)
{
    private const string Matmul = "benchmark://mlir-linalg-v0/matmul?m=16&n=16&k=16";
    private static readonly string[] s_actions = ["tile-d0-8", "tile-d1-4", "canonicalize", "cse"];

    [Fact]
    public void An_mlir_episode_gives_the_same_results_remotely_and_in_process()
    {
        using var local = new MlirEnv(observationSpace: MlirSpaces.LoopFeatures);
        using var remote = new RemoteEnv(server.Address, observationSpace: MlirSpaces.LoopFeatures, environment: "mlir-v0");
        Assert.Equal(local.Reset(Matmul).Observation, remote.Reset(Matmul).Observation);
        Assert.Equal(local.ActionSpace, remote.ActionSpace);
        foreach (string name in s_actions)
        {
            var a = local.Step(local.ActionSpace.IndexOf(name));
            var b = remote.Step(remote.ActionSpace.IndexOf(name));
            Assert.Equal(a.Observation, b.Observation);
            Assert.Equal(a.Info.IrChanged, b.Info.IrChanged);
        }
        Assert.Equal(local.Observe(MlirSpaces.Mlir), remote.Observe(MlirSpaces.Mlir));
        Assert.Equal(local.Observe(MlirSpaces.OutputChecksum), remote.Observe(MlirSpaces.OutputChecksum));
        Assert.Equal(s_actions, remote.State.Actions);
        using var fork = remote.Fork();
        Assert.Equal(remote.Observe(MlirSpaces.Mlir), fork.Observe(MlirSpaces.Mlir));
        Assert.True(remote.Validate().Ok);
    }

    [Fact]
    public void An_inapplicable_action_is_the_same_exception_remotely_and_leaves_the_session_as_it_was()
    {
        using var local = new MlirEnv();
        using var remote = new RemoteEnv(server.Address, environment: "mlir-v0");
        local.Reset(Matmul);
        remote.Reset(Matmul);
        // A matmul has three loops; unrolling needs a loop around the root.
        foreach (string name in new[] { "tile-d5-8", "unroll-2" })
        {
            var expected = Assert.Throws<InapplicableActionException>(() => local.Step(local.ActionSpace.IndexOf(name)));
            var actual = Assert.Throws<InapplicableActionException>(() => remote.Step(remote.ActionSpace.IndexOf(name)));
            Assert.Equal(expected.Message, actual.Message);
        }
        Assert.Empty(remote.State.Actions);
        Assert.Equal(local.Observe(MlirSpaces.Mlir), remote.Observe(MlirSpaces.Mlir));
        remote.Step(remote.ActionSpace.IndexOf("tile-d0-8"));
        Assert.Equal(["tile-d0-8"], remote.State.Actions);
    }

    [Fact]
    public void A_custom_mlir_space_gives_the_same_results_remotely_and_in_process()
    {
        string[] specs = ["tile[8,8,0]", "tile[0,0,4]", "vectorize", "canonicalize", "interchange[1,0]"];
        var options = new ResetOptions(CustomActions: specs);
        using var local = new MlirEnv(observationSpace: MlirSpaces.LoopFeatures);
        using var remote = new RemoteEnv(server.Address, observationSpace: MlirSpaces.LoopFeatures, environment: "mlir-v0");
        Assert.Equal(local.Reset(Matmul, options).Observation, remote.Reset(Matmul, options).Observation);
        Assert.Equal(MlirActionSpace.Custom, remote.ActionSpace.Name);
        Assert.Equal(local.ActionSpace, remote.ActionSpace);
        foreach (string spec in specs[..4])
        {
            var a = local.Step(local.ActionSpace.IndexOf(spec));
            var b = remote.Step(remote.ActionSpace.IndexOf(spec));
            Assert.Equal(a.Observation, b.Observation);
            Assert.Equal(a.Info.IrChanged, b.Info.IrChanged);
        }
        Assert.Equal(local.Observe(MlirSpaces.Mlir), remote.Observe(MlirSpaces.Mlir));
        Assert.Equal(local.State with { Walltime = 0 }, remote.State with { Walltime = 0 });
        Assert.Equal(specs, remote.State.CustomActions);
        Assert.Equal(local.Commandline(), remote.Commandline());

        // A fork steps in the same space; the inapplicable interchange (no root is left after vectorize) fails alike.
        using var fork = remote.Fork();
        Assert.Equal(remote.ActionSpace, fork.ActionSpace);
        Assert.Contains("'interchange[1,0]' does not apply", Assert.Throws<InapplicableActionException>(() => fork.Step(fork.ActionSpace.IndexOf("interchange[1,0]"))).Message);
        Assert.True(remote.Validate().Ok);
        Assert.True(local.Validate(remote.State).Ok);

        var error = Assert.Throws<ArgumentException>(() => remote.Reset(options: new ResetOptions(CustomActions: ["no-such-pass"])));
        Assert.Equal(Assert.Throws<ArgumentException>(() => local.Reset(options: new ResetOptions(CustomActions: ["no-such-pass"]))).Message, error.Message);
        Assert.Equal(specs, remote.State.CustomActions);
    }

    [Fact]
    public void A_session_switches_environment_with_its_benchmark()
    {
        using var remote = new RemoteEnv(server.Address);
        remote.Reset("benchmark://builtin-v0/crc32");
        Assert.Equal("llvm-22-passes", remote.ActionSpace.Name);
        remote.Reset(Matmul);
        Assert.Equal("mlir-22-loop-nest", remote.ActionSpace.Name);
        remote.Step(remote.ActionSpace.IndexOf("tile-d0-8"));
        Assert.Equal(["tile-d0-8"], remote.State.Actions);
        remote.Reset("benchmark://builtin-v0/crc32");
        Assert.Equal("llvm-22-passes", remote.ActionSpace.Name);
        Assert.True(remote.Observe("IrInstructionCount").AsDouble() > 0);
    }
}
