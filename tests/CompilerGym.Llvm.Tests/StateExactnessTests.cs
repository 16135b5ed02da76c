using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Llvm.Tests;

/// <summary>
/// A state is its record: a fork is its parent's program, and a fork stepped on computes what a
/// fresh replay of the same actions does. A bitcode round trip that dropped use-list order made
/// them differ: a block's predecessors came back in another order, and passes that walk use lists
/// then transformed the copy differently. Actions taken one by one, as one step, or by opt-22 with
/// the env's pipeline give the same IR to the byte.
/// </summary>
public class StateExactnessTests
{
    [Theory]
    [InlineData("benchmark://builtin-v0/interp", 1)]
    [InlineData("benchmark://builtin-v0/interp", 2)]
    [InlineData("benchmark://builtin-v0/sha256", 3)]
    [InlineData("benchmark://builtin-v0/huffman", 4)]
    public void A_fork_is_its_parents_state_and_stepped_on_gives_what_a_fresh_replay_gives(string benchmark, int seed)
    {
        var random = new Random(seed);
        var space = LlvmActionSpace.Get(LlvmActionSpace.Passes);
        for (int trial = 0; trial < 6; trial++)
        {
            int[] actions = [.. Enumerable.Range(0, 12).Select(_ => random.Next(space.Actions.Count))];
            int cut = random.Next(1, actions.Length);
            string what = $"{benchmark}: {string.Join(",", actions.Select(a => space[a].Name))} forked after {cut}";
            using var env = new LlvmEnv();
            env.Reset(benchmark);
            foreach (int a in actions[..cut]) env.Step(a);
            using var fork = env.Fork();
            Assert.True(Canonical(env) == Canonical(fork), what);
            foreach (int a in actions[cut..]) fork.Step(a);

            using var fresh = new LlvmEnv();
            fresh.Reset(benchmark);
            foreach (int a in actions) fresh.Step(a);
            Assert.True(fresh.Observe("IrInstructionCount").AsDouble() == fork.Observe("IrInstructionCount").AsDouble(), what);
            Assert.True(Canonical(fresh) == Canonical(fork), what);
        }
    }

    /// <summary>
    /// The env's program as opt-22 reads its bitcode, without local names. A name a pass makes
    /// unique gets a suffix from its function's counter, which a copy starts afresh; and the
    /// bitcode reader gives intrinsic declarations their own attributes back (dropping, say, a
    /// <c>mustprogress</c> that inferattrs added). Neither changes the program.
    /// </summary>
    [Theory]
    [InlineData("benchmark://builtin-v0/interp", 5)]
    [InlineData("benchmark://builtin-v0/qsort", 6)]
    [InlineData("benchmark://builtin-v0/huffman", 7)]
    public void Single_steps_one_multi_action_step_and_opt_give_the_same_ir(string benchmark, int seed)
    {
        var random = new Random(seed);
        var space = LlvmActionSpace.Get(LlvmActionSpace.Passes);
        // The sequence an earlier version got wrong comes first: three steps and one gave different IR.
        IEnumerable<int[]> sequences = [[space["mem2reg"].Id, space["reg2mem"].Id, space["lnicm"].Id],
            .. Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 10).Select(_ => random.Next(space.Actions.Count)).ToArray())];
        foreach (int[] actions in sequences)
        {
            string what = $"{benchmark}: {string.Join(",", actions.Select(a => space[a].Name))}";
            using var single = new LlvmEnv();
            single.Reset(benchmark);
            foreach (int a in actions) single.Step(a);
            using var multi = new LlvmEnv();
            multi.Reset(benchmark);
            multi.Step(actions);
            string ir = OptTool.WithoutModuleId(single.Observe("Ir").AsText());
            Assert.True(ir == OptTool.WithoutModuleId(multi.Observe("Ir").AsText()), what);
            Assert.True(ir == OptTool.WithoutModuleId(OptTool.RunToText(single.CurrentBenchmark!.BitcodePath, single.Pipeline)), what);
        }
    }

    private static string Canonical(ICompilerEnv env)
    {
        byte[] bitcode = env.Observe("Bitcode").AsBytes();
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, bitcode);
            var result = ProcessRunner.Run(LlvmTools.Opt, ["--discard-value-names", "-S", file, "-o", "-"], TimeSpan.FromMinutes(1));
            Assert.True(result.ExitCode == 0, result.Stderr);
            return OptTool.WithoutModuleId(result.Stdout);
        }
        finally { File.Delete(file); }
    }
}

public class StateRecordTests
{
    [Fact]
    public void The_ir_hash_names_the_program_not_the_benchmark()
    {
        using var env = new LlvmEnv();
        env.Reset(Fixtures.Crc32);
        string dir = Directory.CreateTempSubdirectory("cgym-hash-").FullName;
        try
        {
            string first = Path.Combine(dir, "first.bc"), second = Path.Combine(dir, "second.bc");
            File.WriteAllBytes(first, env.Observe("Bitcode").AsBytes());
            File.Copy(first, second);
            using var a = new LlvmEnv();
            using var b = new LlvmEnv();
            a.Reset(first);
            b.Reset(second);
            Assert.NotEqual(a.Observe("Ir").AsText(), b.Observe("Ir").AsText());
            Assert.Equal(a.Observe("IrSha1"), b.Observe("IrSha1"));
            Assert.Equal(env.Observe("IrSha1"), a.Observe("IrSha1"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_state_without_a_reward_is_validated_by_its_actions()
    {
        using var env = new LlvmEnv(rewardSpace: "IrInstructionCount");
        env.Reset(Fixtures.Crc32);
        env.Step(["mem2reg", "instcombine"]);
        var claimsNothing = env.State with { Reward = null };
        Assert.True(env.Validate(claimsNothing).Ok, env.Validate(claimsNothing).ToString());
        Assert.False(env.Validate(env.State with { Reward = 1e6 }).Ok);
        Assert.False(env.Validate(claimsNothing with { Actions = ["no-such-pass"] }).Ok);
    }
}
