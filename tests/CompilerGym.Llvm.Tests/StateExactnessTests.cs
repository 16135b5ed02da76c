using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Env;

namespace CompilerGym.Llvm.Tests;

/// <summary>
/// A state is its record, checked as a property over random sequences (see <see cref="Exactness"/>):
/// a fresh env stepped one action at a time, a used env reset and replayed, a fork taken mid-way
/// then stepped on, one multi-action step and opt-22 with the env's pipeline give the same IR.
/// Three things make it hold: forks copy through bitcode that keeps use-list order (without it a
/// block's predecessors came back in another order and passes that walk use lists transformed the
/// copy differently); the pipeline of several actions invalidates every analysis between them;
/// opt-22 is told the environments' relocation model.
/// </summary>
public class StateExactnessTests : IClassFixture<StateExactnessTests.UsedEnv>
{
    /// <summary>One env for the whole class, used for an unrelated episode first, so that every replay is in a used env.</summary>
    public sealed class UsedEnv : IDisposable
    {
        public LlvmEnv Env { get; } = new(actionSpace: LlvmActionSpace.Tune);

        public UsedEnv()
        {
            Env.Reset(Fixtures.Crc32);
            Env.Step(["Oz", "loop-unroll", "gvn"]);
        }

        public void Dispose() => Env.Dispose();
    }

    private readonly LlvmEnv _used;

    public StateExactnessTests(UsedEnv used) => _used = used.Env;

    /// <summary>
    /// llvm-22-tune leaves out the actions that are not deterministic (gvn-sink orders by heap
    /// address: <see cref="LlvmActionSpace.NotDeterministic"/>); with them no way of reaching a
    /// state could promise the same IR, not even opt-22 twice.
    /// </summary>
    private static readonly LlvmActionSpace s_space = LlvmActionSpace.Get(LlvmActionSpace.Tune);

    /// <summary>llvm-22-tune's single passes, after its standard pipelines and Oz sub-sequences.</summary>
    private static readonly IReadOnlyList<LlvmAction> s_singlePasses =
        [.. s_space.Actions.Skip(LlvmActionSpace.StandardPipelines.Count + LlvmActionSpace.Get(LlvmActionSpace.OzSubsequences).Actions.Count)];

    [Theory]
    [InlineData("benchmark://builtin-v0/interp", 1)]
    [InlineData("benchmark://builtin-v0/sha256", 2)]
    [InlineData("benchmark://builtin-v0/huffman", 3)]
    [InlineData("benchmark://builtin-v0/qsort", 4)]
    [InlineData("benchmark://builtin-v0/regex", 5)]
    public void Every_way_to_a_state_gives_the_same_ir_on_builtins(string benchmark, int seed) =>
        Holds(benchmark, Exactness.RandomSequences(s_space.Actions, 6, 12, seed));

    /// <summary>A large program, where use lists are long: few and short sequences of single passes, each step on it costing up to a second.</summary>
    [Fact]
    public void Every_way_to_a_state_gives_the_same_ir_on_a_debian_program() =>
        Holds("benchmark://debian-v0/toast", Exactness.RandomSequences(s_singlePasses, 2, 5, 6));

    /// <summary>
    /// Sequences earlier versions got wrong as three steps and as one: a later pass reused an
    /// earlier one's analyses, then GlobalsAA, which outlives <c>invalidate&lt;all&gt;</c>.
    /// </summary>
    [Theory]
    [InlineData("benchmark://builtin-v0/huffman", "mem2reg,reg2mem,lnicm")]
    [InlineData("benchmark://builtin-v0/aes", "O2,globalopt,licm-no-speculation,hotcoldsplit,inferattrs,oz-vectorize-cleanup,indvars,separate-const-offset-from-gep-lower,loop-versioning")]
    public void A_multi_action_step_starts_each_action_without_cached_analyses(string benchmark, string actions) =>
        Holds(benchmark, [([.. actions.Split(',').Select(a => s_space[a].Id)], 1)]);

    private void Holds(string benchmark, IEnumerable<(int[] Actions, int Cut)> sequences)
    {
        var disagreements = sequences.SelectMany(s => Exactness.Check(_used, benchmark, s_space.Name, s.Actions, s.Cut)).ToList();
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
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
