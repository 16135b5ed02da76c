using CompilerGym.Agents.Policies;
using CompilerGym.Environments;
using CompilerGym.Llvm.Env;
using CompilerGym.Service.Tests;

namespace CompilerGym.Client.Tests;

/// <summary>PPO trains against the remote env through the factory exactly as against the in-process one.</summary>
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
            List<PpoUpdate> Run(Func<Core.Envs.ICompilerEnv> createEnv, string name)
            {
                var updates = new List<PpoUpdate>();
                Ppo.Train(options, createEnv, benchmarks, Path.Combine(folder, name), onUpdate: u => updates.Add(u with { Seconds = 0, StepsPerSecond = 0 }));
                return updates;
            }
            var local = Run(() => new LlvmEnv(), "local");
            var remote = Run(() => EnvFactory.Create(new EnvOptions(server.Address)), "remote");
            Assert.Equal(2, remote.Count);
            Assert.Equal(local, remote);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
