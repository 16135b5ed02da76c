using CompilerGym.Core.Benchmarks;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Execution;

namespace CompilerGym.Llvm.Tests;

public class DifferentialValidationTests
{
    // LLVM 22's loop-fusion fuses two of matmul.c's loop nests that it must not, once the inliner,
    // SROA and loop rotation have prepared them: the program then prints a wrong checksum.
    private static readonly string[] s_actions = ["cgscc(inline)", "function(sroa,loop-mssa(loop-rotate))", "function(loop-fusion)"];

    [Fact]
    public void Validation_flags_a_miscompile_by_the_output_of_the_program()
    {
        using var env = new LlvmEnv(rewardSpace: "IrInstructionCount");
        env.Reset("benchmark://builtin-v0/matmul", new ResetOptions(CustomActions: s_actions));
        env.Step([0, 1]);
        var before = env.Validate();
        Assert.True(before.Ok, before.ToString());

        env.Step(2);
        var after = env.Validate();
        Assert.False(after.Ok);
        string error = Assert.Single(after.Errors);
        Assert.Contains(string.Join(", ", s_actions), error);
        Assert.Contains("stdout differs", error);
        Assert.Equal(after.ReplayedReward, env.State.Reward); // the replay itself reproduces
    }

    [Fact]
    public void A_state_that_replays_is_checked_the_same_way()
    {
        using var env = new LlvmEnv();
        env.Reset("benchmark://builtin-v0/matmul", new ResetOptions(CustomActions: s_actions));
        env.Step([0, 1, 2]);
        var state = EnvState.FromJson(env.State.ToJson());
        using var other = new LlvmEnv();
        Assert.False(other.Validate(state).Ok);
    }

    // x + 1 > x holds unless x + 1 overflows, which the IR's add nsw rules out: instcombine folds the
    // test to true, while the unoptimized build wraps around. Only INT_MAX tells the two apart.
    private const string OverflowTest = """
        #include <stdio.h>
        int main(void) {
          int x;
          if (scanf("%d", &x) != 1) return 2;
          int y = x;
          puts(y + 1 > y ? "fits" : "wraps");
          return 0;
        }
        """;

    [Fact]
    public void Validation_catches_a_difference_that_only_the_second_input_shows()
    {
        string folder = Directory.CreateTempSubdirectory("cgym-second-input-").FullName;
        try
        {
            string source = Path.Combine(folder, "overflow.c");
            File.WriteAllText(source, OverflowTest);
            File.WriteAllText(Path.Combine(folder, "small.txt"), "5\n");
            File.WriteAllText(Path.Combine(folder, "largest.txt"), "2147483647\n");
            RunSpec On(string file) => new() { Inputs = [new("n.txt", Path.Combine(folder, file))], Stdin = "n.txt" };
            string bitcode = BenchmarkStore.LoadProgramFile($"file://{source}", source).BitcodePath;

            ValidationResult ValidateAfterFolding(RunSpec? second)
            {
                var benchmark = new LlvmBenchmark("benchmark://two-inputs/overflow", bitcode, "reads a number", On("small.txt"), secondRunSpec: second);
                using var env = new LlvmEnv(new BenchmarkStore([new OneBenchmarkDataset(benchmark)], []));
                env.Reset(benchmark.Uri);
                env.Step(["sroa", "instcombine"]);
                return env.Validate();
            }

            var mainOnly = ValidateAfterFolding(second: null);
            Assert.True(mainOnly.Ok, mainOnly.ToString());
            var both = ValidateAfterFolding(On("largest.txt"));
            Assert.False(both.Ok);
            string error = Assert.Single(both.Errors);
            Assert.Contains("on the second input, stdout differs", error);
            Assert.Contains("\"fits\\n\" instead of \"wraps\\n\"", error);
            Assert.DoesNotContain("main input", error);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void A_second_run_spec_must_link_as_the_main_one()
    {
        string bitcode = BenchmarkStore.Default.Get("benchmark://builtin-v0/matmul").BitcodePath;
        var error = Assert.Throws<ArgumentException>(() => new LlvmBenchmark("benchmark://two-inputs/matmul", bitcode, "matmul",
            new RunSpec(), secondRunSpec: new RunSpec { LinkFlags = ["-lm", "-lpthread"] }));
        Assert.Contains("same link flags", error.Message);
    }

    /// <summary>A dataset of one benchmark made by the test, so that an env (and its replay) loads that very benchmark.</summary>
    private sealed class OneBenchmarkDataset(LlvmBenchmark benchmark) : IDataset
    {
        public string Name => "two-inputs";
        public string Description => "a benchmark made by a test";
        public IReadOnlyList<BenchmarkInfo> Benchmarks => [new(benchmark.Uri, benchmark.Description)];
        public LlvmBenchmark Load(string name, string? target = null) => benchmark;
    }
}
