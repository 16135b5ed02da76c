using System.Globalization;
using System.Text.Json.Nodes;

namespace CompilerGym.Cli.Tests;

/// <summary>cgym train, eval and tune on mlir-v0 kernels: the environment follows the benchmarks.</summary>
public class MlirCommandTests : IDisposable
{
    private const string Matmul = "benchmark://mlir-linalg-v0/matmul?m=64&n=64&k=64";
    private const string Conv = "benchmark://mlir-linalg-v0/conv2d?n=1&h=8&w=8&c=4&f=8&kh=3&kw=3";

    private readonly string _dir = Directory.CreateTempSubdirectory("cgym-mlir-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_policy_trained_on_kernels_is_evaluated_with_run_times_and_every_result_reproduces()
    {
        string run = Path.Combine(_dir, "run"), csv = Path.Combine(_dir, "eval.csv");
        var train = CgymProcess.Run("train", "-o", run, "--steps", "8", "--envs", "2", "--episode-length", "4", "--episodes-per-update", "1",
            "--minibatches", "2", "-b", Matmul, Conv);
        Assert.True(train.ExitCode == 0, train.Stdout + train.Stderr);
        var checkpoint = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "checkpoint", "checkpoint.json")))!;
        Assert.Equal("mlir-22-loop-nest", checkpoint["action_space"]!.GetValue<string>());
        Assert.Equal("RuntimeLogSpeedup", checkpoint["options"]!["reward_space"]!.GetValue<string>());
        Assert.StartsWith("loop-features", checkpoint["features"]!.GetValue<string>());

        var eval = CgymProcess.Run("eval", "-c", Path.Combine(run, "checkpoint"), "--agent", "policy", "random", "--budget", "6",
            "-b", Matmul, Conv, "--csv", csv);
        Assert.True(eval.ExitCode == 0, eval.Stdout + eval.Stderr);
        Assert.Contains("mlir-v0: C is the kernel's run time", eval.Stdout);
        var rows = File.ReadAllLines(csv).Select(l => l.Split(',')).ToList();
        string Get(string[] row, string column) => row[Array.IndexOf(rows[0], column)];
        double Number(string[] row, string column) => double.Parse(Get(row, column), CultureInfo.InvariantCulture);
        var results = rows[1..].Where(r => Get(r, "benchmark") != "geomean").ToList();
        Assert.Equal(4, results.Count);
        foreach (var row in results)
        {
            // The episode's log speed-ups sum to the final state's, measured once per kernel text by the env.
            Assert.Equal(Math.Log(Number(row, "cost_reference") / Number(row, "cost")), Number(row, "reward"), 9);
            Assert.Contains("mlir-opt-22 --pass-pipeline=", Get(row, "commandline"));
        }
    }

    [Fact]
    public void Tune_finds_a_faster_schedule_and_writes_the_kernel_and_its_llvm_ir()
    {
        string output = Path.Combine(_dir, "tune");
        var tune = CgymProcess.Run("tune", Matmul, "--time", "0", "--max-steps", "24", "-o", output);
        Assert.True(tune.ExitCode == 0, tune.Stdout + tune.Stderr);
        Assert.Contains("Runtime, random search over mlir-22-loop-nest", tune.Stdout);
        Assert.Contains("best / default lowering", tune.Stdout);
        Assert.Contains("matmul", File.ReadAllText(Assert.Single(Directory.GetFiles(output, "*.mlir"))));
        Assert.Contains("define void @kernel", File.ReadAllText(Assert.Single(Directory.GetFiles(output, "*.ll"))));

        var mixed = CgymProcess.Run("tune", Matmul, "benchmark://builtin-v0/crc32", "-o", output);
        Assert.Equal(1, mixed.ExitCode);
        Assert.Contains("mix environments (mlir-v0, llvm-v0)", mixed.Stderr);
        var space = CgymProcess.Run("tune", Matmul, "--action-space", "llvm-22-passes", "-o", output);
        Assert.Equal(1, space.ExitCode);
        Assert.Contains("unknown action space 'llvm-22-passes'", space.Stderr);
    }

    [Fact]
    public void A_malformed_kernel_is_a_clear_error_before_any_tuning()
    {
        string kernel = Path.Combine(_dir, "bad.mlir"), output = Path.Combine(_dir, "tune");
        File.WriteAllText(kernel, "func.func @kernel(%a: memref<4xf32>, %b: memref<4xf32>) {\n  not an operation\n}\n");
        var tune = CgymProcess.Run("tune", Matmul, kernel, "-o", output);
        Assert.Equal(1, tune.ExitCode);
        Assert.StartsWith("cgym: error: invalid MLIR", tune.Stderr);
        Assert.DoesNotContain("   at ", tune.Stderr);
        // Nothing was tuned: the kernel before it in the list waited for every input to resolve.
        Assert.False(File.Exists(Path.Combine(output, "results.db")));
    }
}
