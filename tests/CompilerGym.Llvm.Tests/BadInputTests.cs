using CompilerGym.Core.Benchmarks;
using CompilerGym.Core.Spaces;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Env;

namespace CompilerGym.Llvm.Tests;

public class BadInputTests
{
    [Fact]
    public void Malformed_ir_names_the_problem()
    {
        var e = Assert.Throws<LlvmException>(() => LlvmModule.ParseIr("define i32 @f( {", "broken.ll"));
        Assert.Contains("broken.ll", e.Message);
        Assert.Contains("error", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Malformed_bitcode_is_an_error_not_an_exit()
    {
        byte[] junk = [(byte)'B', (byte)'C', 0xC0, 0xDE, 1, 2, 3, 4, 5, 6, 7, 8];
        var e = Assert.Throws<LlvmException>(() => LlvmModule.Parse(junk, "junk.bc"));
        Assert.Contains("junk.bc", e.Message);
    }

    [Fact]
    public void Malformed_files_as_benchmarks_give_clear_errors_and_the_env_goes_on()
    {
        string dir = Directory.CreateTempSubdirectory("cgym-test-").FullName;
        try
        {
            string ll = Path.Combine(dir, "bad.ll"), c = Path.Combine(dir, "bad.c"), txt = Path.Combine(dir, "x.txt");
            File.WriteAllText(ll, "this is not IR");
            File.WriteAllText(c, "int main(void) { return undefined_name; }");
            File.WriteAllText(txt, "");
            using var env = new LlvmEnv();
            env.Reset(Fixtures.Crc32);
            env.Step(["mem2reg"]);

            Assert.Contains("bad.ll", Assert.Throws<LlvmException>(() => env.Reset(ll)).Message);
            Assert.Contains("undefined_name", Assert.Throws<LlvmException>(() => env.Reset(c)).Message);
            Assert.Throws<UnknownBenchmarkException>(() => env.Reset(txt));
            Assert.Throws<UnknownBenchmarkException>(() => env.Reset(Path.Combine(dir, "missing.c")));

            // The episode in progress is untouched.
            Assert.Equal(Fixtures.Crc32, env.Benchmark);
            Assert.Equal(["mem2reg"], env.State.Actions);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("benchmark://builtin-v0/no-such-program")]
    [InlineData("benchmark://no-such-dataset/x")]
    [InlineData("ftp://host/x")]
    [InlineData("benchmark://")]
    public void Unknown_benchmarks_are_reported(string uri)
    {
        using var env = new LlvmEnv();
        Assert.Throws<UnknownBenchmarkException>(() => env.Reset(uri));
    }

    [Fact]
    public void Unknown_actions_and_spaces_are_reported_and_change_nothing()
    {
        using var env = new LlvmEnv();
        env.Reset(Fixtures.Crc32);
        Assert.Contains("out of range", Assert.Throws<UnknownNameException>(() => env.Step(100_000)).Message);
        Assert.Throws<UnknownNameException>(() => env.Step(-1));
        Assert.Contains("no-such-pass", Assert.Throws<UnknownNameException>(() => env.Step(["no-such-pass"])).Message);
        Assert.Throws<UnknownNameException>(() => env.Observe("NoSuchObservation"));
        Assert.Throws<UnknownNameException>(() => new LlvmEnv(rewardSpace: "NoSuchReward"));
        Assert.Throws<UnknownNameException>(() => env.Reset(options: new(ActionSpace: "no-such-space")));
        Assert.Throws<UnknownNameException>(() => env.Step(0, new(RewardSpaces: ["NoSuchReward"])));
        Assert.Throws<UnknownNameException>(() => env.Step(0, new(ObservationSpaces: ["NoSuchObservation"])));
        Assert.Empty(env.State.Actions);
        Assert.Equal(env.Observe("IrInstructionCountO0"), env.Observe("IrInstructionCount"));
    }

    [Fact]
    public void Stepping_before_reset_says_what_to_do()
    {
        using var env = new LlvmEnv();
        Assert.Contains("Reset", Assert.Throws<InvalidOperationException>(() => env.Step(0)).Message);
    }

    [Fact]
    public void An_unknown_pass_in_a_pipeline_is_an_llvm_error()
    {
        using var module = LlvmModule.ParseIr(Fixtures.SmallIr, "small");
        using var machine = new TargetMachine();
        Assert.Contains("no-such-pass", Assert.Throws<LlvmException>(() => machine.RunPasses(module, "function(no-such-pass)")).Message);
    }
}
