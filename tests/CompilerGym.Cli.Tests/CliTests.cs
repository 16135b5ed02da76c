using System.Text.Json.Nodes;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Features;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Cli.Tests;

public class CliTests
{
    [Fact]
    public void Step_prints_observations_and_a_command_whose_result_matches()
    {
        var run = CgymProcess.Run("step", "-b", "benchmark://builtin-v0/crc32", "-a", "mem2reg,instcombine,inline,simplifycfg",
            "-o", "IrInstructionCount", "ObjectTextSizeBytes", "Autophase", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var json = JsonNode.Parse(run.Stdout)!;
        long count = json["observations"]!["IrInstructionCount"]!.GetValue<long>();
        Assert.Equal(56, json["observations"]!["Autophase"]!.AsArray().Count);
        Assert.True(json["observations"]!["ObjectTextSizeBytes"]!.GetValue<long>() > 0);

        // Run the printed command with opt-22 and count the instructions of its output.
        string dir = Directory.CreateTempSubdirectory("cgym-cli-").FullName;
        try
        {
            var shell = ProcessRunner.Run("sh", ["-c", json["commandline"]!.GetValue<string>()], TimeSpan.FromMinutes(1), dir);
            Assert.True(shell.ExitCode == 0, shell.Stderr);
            using var module = LlvmModule.ParseBitcode(File.ReadAllBytes(Path.Combine(dir, "output.bc")), "output.bc");
            Assert.Equal(count, InstCount.InstructionCount(module));
        }
        finally { Directory.Delete(dir, true); }

        var validate = CgymProcess.Run("validate", json["state"]!.ToJsonString());
        Assert.True(validate.ExitCode == 0, validate.Stdout + validate.Stderr);
        Assert.StartsWith("valid", validate.Stdout);
    }

    [Fact]
    public void Step_works_on_a_users_c_file()
    {
        string dir = Directory.CreateTempSubdirectory("cgym-cli-").FullName;
        try
        {
            string file = Path.Combine(dir, "sum.c");
            File.WriteAllText(file, "int sum(int *a, int n) { int s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }\n" +
                                    "int main(void) { int a[4] = {1, 2, 3, 4}; return sum(a, 4) != 10; }\n");
            var run = CgymProcess.Run("step", "-b", file, "-a", "all", "--action-space", "llvm-22-oz-subsequences");
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Contains("IrInstructionCount", run.Stdout);
            Assert.Contains("opt-22 -passes=", run.Stdout);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("no-such-pass", "unknown action 'no-such-pass'")]
    [InlineData("99999", "out of range")]
    public void Bad_actions_exit_with_a_clear_message(string actions, string message)
    {
        var run = CgymProcess.Run("step", "-a", actions);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Stderr);
    }

    [Fact]
    public void Unknown_benchmark_exits_with_a_clear_message()
    {
        var run = CgymProcess.Run("step", "-b", "benchmark://builtin-v0/nothing-here");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no benchmark 'nothing-here'", run.Stderr);
    }

    [Fact]
    public void Listings_are_complete()
    {
        var spaces = CgymProcess.Run("spaces", "--json");
        Assert.True(spaces.ExitCode == 0, spaces.Stderr);
        var root = JsonNode.Parse(spaces.Stdout)!;
        Assert.Equal(28, root["observation_spaces"]!.AsArray().Count);
        Assert.Equal(20, root["reward_spaces"]!.AsArray().Count);

        var actions = JsonNode.Parse(CgymProcess.Run("spaces", "--actions", "llvm-22-passes", "--json").Stdout)!.AsArray();
        Assert.True(actions.Count >= 100);
        Assert.Equal("function(instcombine<no-verify-fixpoint>)",
            actions.Single(a => a!["name"]!.GetValue<string>() == "instcombine")!["pipeline"]!.GetValue<string>());

        var benchmarks = JsonNode.Parse(CgymProcess.Run("benchmarks", "--json").Stdout)!.AsArray();
        Assert.True(benchmarks.Count >= 20);
    }

    [Fact]
    public void Tampered_state_fails_validation()
    {
        var run = CgymProcess.Run("validate", """{"benchmark":"benchmark://builtin-v0/crc32","action_space":"llvm-22-passes","actions":["mem2reg"],"reward_space":"IrInstructionCount","reward":12345,"walltime":0}""");
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("invalid", run.Stdout);
    }

    [Fact]
    public void Pipeline_runs_any_pipeline_text()
    {
        var run = CgymProcess.Run("pipeline", "-p", "default<Oz>", "-o", "IrInstructionCount", "IrInstructionCountOz", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var observations = JsonNode.Parse(run.Stdout)!["observations"]!;
        Assert.Equal(observations["IrInstructionCountOz"]!.GetValue<long>(), observations["IrInstructionCount"]!.GetValue<long>());

        var bad = CgymProcess.Run("pipeline", "-p", "function(no-such-pass)");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("unknown function pass 'no-such-pass'", bad.Stderr);
    }

    [Fact]
    public void An_llvm_fatal_error_is_reported_with_what_was_running()
    {
        // Plain instcombine verifies its fixpoint and aborts on this program; the process cannot
        // survive that, but it must say what happened and while doing what.
        string fixture = Path.Combine(AppContext.BaseDirectory, "fixtures", "instcombine-fixpoint.ll");
        var run = CgymProcess.Run("pipeline", "-b", fixture, "-p", "function(instcombine)");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("LLVM fatal error: Instruction Combining on search_bmh did not reach a fixpoint", run.Stderr);
        Assert.Contains("while running pipeline 'function(instcombine)' on file://", run.Stderr);
    }

    [Fact]
    public void Search_lowers_the_cost_and_compares_with_oz()
    {
        var run = CgymProcess.Run("search", "-b", "benchmark://builtin-v0/qsort", "--max-steps", "3", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var json = JsonNode.Parse(run.Stdout)!;
        double o0 = json["o0"]!.GetValue<double>(), oz = json["oz"]!.GetValue<double>(), found = json["found"]!.GetValue<double>();
        Assert.True(found < o0);
        Assert.Equal((o0 - found) / (o0 - oz), json["score_vs_oz"]!.GetValue<double>(), 9);
        Assert.Equal(3, json["actions"]!.AsArray().Count);
        Assert.StartsWith("valid", CgymProcess.Run("validate", json["state"]!.ToJsonString()).Stdout);

        var bad = CgymProcess.Run("search", "--cost", "Autophase");
        Assert.NotEqual(0, bad.ExitCode);
    }
}

public class ServeCommandTests
{
    [Theory]
    [InlineData("--port", "99999", "Service:Port must be 0 to 65535")]
    [InlineData("--host", "0.0.0.0", "needs a token")]
    [InlineData("--step-time-limit", "0", "Service:StepTimeLimitSeconds must be positive")]
    [InlineData("--setup-time-limit", "-1", "Service:SetupTimeLimitSeconds must be positive")]
    public void Bad_settings_exit_with_a_clear_message(string option, string value, string message)
    {
        var run = CgymProcess.Run("serve", option, value);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("cgym: error: ", run.Stderr);
        Assert.Contains(message, run.Stderr);
    }
}
