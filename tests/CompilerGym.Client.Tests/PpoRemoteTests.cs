using CompilerGym.Agents.Policies;
using CompilerGym.Environments;
using CompilerGym.Llvm.Env;
using CompilerGym.Service.Tests;

namespace CompilerGym.Client.Tests;

/// <summary>PPO trains against the remote env through the factory, one call per env or one batched call for all, exactly as against the in-process one.</summary>
[Collection(ServerCollection.Name)]
public class PpoRemoteTests(TestServer server)
{
    [Fact]
    public void A_tiny_run_on_the_server_gives_the_same_updates_as_in_process()
    {
        var options = new PpoOptions { TotalSteps = 20, Envs = 2, EpisodeLength = 5, EpisodesPerUpdate = 1, Minibatches = 2, Hidden = 16 };
        string[] benchmarks = ["benchmark://builtin-v0/crc32", "benchmark://builtin-v0/sha256"];
        string folder = Directory.CreateTempSubdirectory("cgym-ppo-remote-").FullName;
        try
        {
            List<PpoUpdate> Run(Func<int, Core.Envs.IEnvBatch> createEnvs, string name)
            {
                var updates = new List<PpoUpdate>();
                Ppo.Train(options, createEnvs, benchmarks, Path.Combine(folder, name), onUpdate: u => updates.Add(u with { Seconds = 0, StepsPerSecond = 0 }));
                return updates;
            }
            var local = Run(n => new Core.Envs.ThreadedEnvBatch(() => new LlvmEnv(), n), "local");
            var remote = Run(n => new Core.Envs.ThreadedEnvBatch(() => EnvFactory.Create(new EnvOptions(server.Address)), n), "remote");
            var batched = Run(n => EnvFactory.CreateBatch(new EnvOptions(server.Address), n), "batched");
            using (var batch = EnvFactory.CreateBatch(new EnvOptions(server.Address), 1)) Assert.IsType<RemoteVectorEnv>(batch);
            Assert.Equal(2, remote.Count);
            Assert.Equal(local, remote);
            Assert.Equal(local, batched);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
