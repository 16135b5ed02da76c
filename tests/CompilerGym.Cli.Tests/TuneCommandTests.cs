using System.Text.Json;
using CompilerGym.Cli.Tuning;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Features;
using CompilerGym.Llvm.Observations;
using CompilerGym.Llvm.Tools;
using CompilerGym.Llvm.Tests;
using CompilerGym.Service.Tests;
using Microsoft.Data.Sqlite;

namespace CompilerGym.Cli.Tests;

public class TuneCommandTests(TestServer server) : IClassFixture<TestServer>, IDisposable
{
    private const string Crc32 = "benchmark://builtin-v0/crc32", Qsort = "benchmark://builtin-v0/qsort", Dijkstra = "benchmark://builtin-v0/dijkstra",
        Sha256 = "benchmark://builtin-v0/sha256";

    private readonly string _output = Directory.CreateTempSubdirectory("cgym-tune-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    // A step budget and no time limit keep each run short and the same on any machine.
    private string[] Tune(params string[] programs) => TuneInto(_output, programs);

    private static string[] TuneInto(string output, params string[] programs) =>
        ["tune", .. programs, "--search", "beam", "--beam-width", "2", "--time", "0", "--max-steps", "300", "-o", output];

    private sealed record Row(string Program, double O0, double? Oz, double Best, string Pipeline, string[] Actions,
        bool Valid, string BitcodeFile, string ObjectFile, string FinishedAt, int Evaluations, string Settings,
        string? CompilerVersion, string? Target, string? InputFile, string? ScriptFile, string? ExecutableFile, string Validation);

    private static readonly string s_llvm = $"LLVM {LlvmVersion.Text}";

    private List<Row> Rows(string? output = null)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(output ?? _output, "results.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT program, o0, oz, best, pipeline, actions, valid, bitcode_file, object_file, finished_at, evaluations, settings, " +
            "compiler_version, target, input_file, script_file, executable_file, validation FROM results ORDER BY program";
        using var r = command.ExecuteReader();
        var rows = new List<Row>();
        while (r.Read())
            rows.Add(new(r.GetString(0), r.GetDouble(0 + 1), r.IsDBNull(2) ? null : r.GetDouble(2), r.GetDouble(3), r.GetString(4),
                JsonSerializer.Deserialize<string[]>(r.GetString(5))!, r.GetBoolean(6), r.GetString(7), r.GetString(8), r.GetString(9),
                r.GetInt32(10), r.GetString(11), Text(r, 12), Text(r, 13), Text(r, 14), Text(r, 15), Text(r, 16), r.GetString(17)));
        return rows;
    }

    private static string? Text(SqliteDataReader r, int column) => r.IsDBNull(column) ? null : r.GetString(column);

    // What every stored result must be: better than unoptimized, valid, its files written, and its
    // pipeline giving its instruction count with the stock opt-22 on the benchmark's bitcode.
    private void CheckResult(Row row)
    {
        Assert.True(row.Valid, row.Program);
        Assert.True(row.Best < row.O0, $"{row.Program}: {row.O0} -> {row.Best}");
        Assert.NotNull(row.Oz);
        Assert.NotEmpty(row.Actions);
        Assert.Equal(row.Best, OptTool.InstructionCount(BenchmarkStore.Default.Get(row.Program).BitcodePath, row.Pipeline));
        using var module = LlvmModule.ParseBitcode(File.ReadAllBytes(Path.Combine(_output, row.BitcodeFile)), row.BitcodeFile);
        Assert.Equal(row.Best, InstCount.InstructionCount(module));
        Assert.Equal("\u007fELF"u8.ToArray(), File.ReadAllBytes(Path.Combine(_output, row.ObjectFile))[..4]);
        Assert.Equal(s_llvm, row.CompilerVersion);
        Assert.Equal(TargetMachine.DefaultTriple, row.Target);
        Assert.Equal(File.ReadAllBytes(BenchmarkStore.Default.Get(row.Program).BitcodePath), File.ReadAllBytes(Path.Combine(_output, row.InputFile!)));
        Assert.True(File.Exists(Path.Combine(_output, row.ScriptFile!)));
    }

    [Fact]
    public void Tune_for_another_target_keeps_its_own_rows_and_writes_its_object_code()
    {
        string[] sizes = ["tune", Crc32, "--cost", "ObjectTextSizeBytes", "--time", "0", "--max-steps", "20", "-o", _output];
        var x86 = CgymProcess.Run(sizes);
        Assert.True(x86.ExitCode == 0, x86.Stdout + x86.Stderr);
        var aarch64 = CgymProcess.Run([.. sizes, "--target", "aarch64-linux-gnu"]);
        Assert.True(aarch64.ExitCode == 0, aarch64.Stdout + aarch64.Stderr);
        Assert.Contains("crc32@aarch64-unknown-linux-gnu: ObjectTextSizeBytes", aarch64.Stdout);

        // One row per target: a result for one is never served for the other.
        var rows = Rows();
        Assert.Equal([Crc32, Crc32 + "?target=aarch64-unknown-linux-gnu"], rows.Select(r => r.Program));
        Assert.NotEqual(rows[0].Oz, rows[1].Oz);
        Assert.All(rows, r => Assert.True(r.Valid && r.Best <= r.Oz, $"{r.Program}: {r.Best} against -Oz {r.Oz}"));
        const ushort ElfMachineAarch64 = 183;
        Assert.Equal(ElfMachineAarch64, BitConverter.ToUInt16(File.ReadAllBytes(Path.Combine(_output, rows[1].ObjectFile)), 18));

        var unknown = CgymProcess.Run([.. sizes, "--target", "nonsense"]);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("unknown target triple 'nonsense'", unknown.Stderr);
    }

    [Fact]
    public void One_shot_applies_the_shipped_portfolio_whole_and_gives_at_most_Oz()
    {
        var run = CgymProcess.Run("tune", Crc32, Qsort, "--one-shot", "-o", _output);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var portfolio = LlvmEnvSpec.Instance.OneShotPortfolio(LlvmObservations.IrInstructionCount)!;
        var rows = Rows();
        Assert.Equal([Crc32, Qsort], rows.Select(r => r.Program));
        Assert.All(rows, row =>
        {
            CheckResult(row);
            Assert.True(row.Best <= row.Oz, $"{row.Program}: {row.Best} against -Oz {row.Oz}");
            // A sequence's cheapest prefix: its start, -Oz's pipeline or another, at least.
            Assert.Contains(portfolio.Sequences, s => s.Take(row.Actions.Length).SequenceEqual(row.Actions));
            Assert.Equal(portfolio.Sequences.Count, row.Evaluations);
            Assert.StartsWith("one shot: the cheapest of", row.Settings);
        });

        var searching = CgymProcess.Run("tune", Crc32, "--one-shot", "--beam-width", "4", "-o", _output);
        Assert.Equal(1, searching.ExitCode);
        Assert.Contains("--one-shot does not search: --beam-width does not apply", searching.Stderr);
    }

    [Theory]
    [InlineData("{\"actionSpace\":\"llvm-22-tune\",\"cost\":\"IrInstructionCount\",\"sequences\":[[\"Oz\",\"no-such-pass\"]]}", "'no-such-pass' is not in space 'llvm-22-tune'")]
    [InlineData("{\"actionSpace\":\"llvm-22-tune\",\"cost\":\"ObjectTextSizeBytes\",\"sequences\":[[\"Oz\"]]}", "the portfolio lowers ObjectTextSizeBytes, not IrInstructionCount")]
    [InlineData("[1, 2", "is not a portfolio")]
    public void A_bad_portfolio_is_refused_before_any_tuning(string json, string message)
    {
        string file = Path.Combine(_output, "portfolio.json");
        File.WriteAllText(file, json);
        var run = CgymProcess.Run("tune", Crc32, "--one-shot", "--portfolio", file, "-o", _output);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.False(File.Exists(Path.Combine(_output, ResultsStore.FileName)));
    }

    [Theory]
    [InlineData("--time", "-5", "--time must be at least 0, not -5")]
    [InlineData("--test-time", "0", "--test-time must be above 0, not 0")]
    [InlineData("--beam-width", "0", "--beam-width must be at least 1, not 0")]
    public void A_budget_out_of_range_is_refused_before_any_tuning(string option, string value, string message)
    {
        var run = CgymProcess.Run("tune", Crc32, option, value, "-o", _output);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(message, run.Stdout + run.Stderr);
        Assert.False(File.Exists(Path.Combine(_output, ResultsStore.FileName)));
    }

    [Fact]
    public void Tune_stores_validated_results_that_opt_reproduces_and_a_second_run_skips_finished_programs()
    {
        var first = CgymProcess.Run(Tune(Crc32));
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        var crc32 = Assert.Single(Rows());

        var second = CgymProcess.Run(Tune(Crc32, Qsort));
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        Assert.Contains("crc32: IrInstructionCount", second.Stdout);
        Assert.Contains("skipped", second.Stdout.Split('\n').Single(l => l.StartsWith("crc32: ")));
        Assert.DoesNotContain("skipped", second.Stdout.Split('\n').Single(l => l.StartsWith("qsort: IrInstructionCount")));
        var rows = Rows();
        Assert.Equal([Crc32, Qsort], rows.Select(r => r.Program));
        // Untouched by the second run.
        Assert.Equal(crc32 with { Actions = [] }, rows[0] with { Actions = [] });
        Assert.Equal(crc32.Actions, rows[0].Actions);
        Assert.All(rows, CheckResult);

        // The report: both programs in the table, and the plot.
        Assert.Contains("geometric mean of best / -Oz", second.Stdout);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(_output, "report.png"))[..4]);

        // Other settings are another tuning: not skipped.
        var third = CgymProcess.Run([.. Tune(Crc32), "--max-length", "5"]);
        Assert.True(third.ExitCode == 0, third.Stdout + third.Stderr);
        Assert.DoesNotContain("skipped", third.Stdout.Split('\n').Single(l => l.StartsWith("crc32: IrInstructionCount")));
    }

    [Fact]
    public void Programs_tuned_side_by_side_get_the_results_they_get_one_at_a_time()
    {
        // Enough steps that a search beats the floor on sha256, so more than the floor is compared.
        string[] Run(string output, string jobs) =>
            ["tune", Crc32, Sha256, Qsort, "--beam-width", "2", "--time", "0", "--max-steps", "60", "-o", output, "--jobs", jobs];
        string one = Path.Combine(_output, "one"), three = Path.Combine(_output, "three");
        var alone = CgymProcess.Run(Run(one, "1"));
        Assert.True(alone.ExitCode == 0, alone.Stdout + alone.Stderr);
        var together = CgymProcess.Run(Run(three, "3"));
        Assert.True(together.ExitCode == 0, together.Stdout + together.Stderr);

        var expected = Rows(one);
        Assert.Equal(3, expected.Count);
        Assert.Contains(expected, r => r.Actions.Length > 1);
        Assert.Equal(expected.Select(r => (r.Program, r.Best, string.Join(" ", r.Actions), r.Evaluations, r.Settings)),
            Rows(three).Select(r => (r.Program, r.Best, string.Join(" ", r.Actions), r.Evaluations, r.Settings)));
        // The table lists the programs in the order given, whichever finished first.
        var table = together.Stdout.Split('\n').Select(l => l.Trim().Split(' ')[0]).Where(name => name is "crc32" or "sha256" or "qsort");
        Assert.Equal(["crc32", "sha256", "qsort"], table);
    }

    [Fact]
    public void With_almost_no_budget_the_floor_still_gives_at_most_Oz()
    {
        // Five of the six steps go to the floor's trials of Oz, Oz-no-inlining, Os, O2 and O3, one to
        // random search over single passes from the unoptimized program; random search over
        // llvm-22-tune would rarely draw a whole pipeline among its 135 actions: the floor gets there.
        var run = CgymProcess.Run("tune", Qsort, "--search", "random", "--time", "0", "--max-steps", "6", "-o", _output);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var row = Assert.Single(Rows());
        Assert.Equal("random search over llvm-22-tune from the best of Oz, Oz-no-inlining, Os, O2, O3 and over llvm-22-passes (seed 0), " +
            "6 steps per program shared, at most 40 actions after the floor", row.Settings);
        Assert.True(row.Best <= row.Oz, $"{row.Best} > -Oz {row.Oz}");
        Assert.Equal(6, row.Evaluations);
        Assert.Contains(Assert.Single(row.Actions), (string[])["Oz", "Oz-no-inlining", "Os", "O2", "O3"]);
        CheckResult(row);
    }

    [Fact]
    public void Single_passes_from_the_unoptimized_program_win_where_Oz_inlines_too_much()
    {
        // On qsort, greedy search over single passes reaches 289 without inlining; searches from
        // -Oz's result (320), which has inlined, stay above 300.
        var run = CgymProcess.Run("tune", Qsort, "--search", "greedy", "--time", "0", "-o", _output);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var row = Assert.Single(Rows());
        Assert.Equal(289, row.Best);
        Assert.DoesNotContain(row.Actions, a => a is "Oz" or "Os" or "O2" or "O3");
        CheckResult(row);
    }

    [Fact]
    public void The_default_tune_ends_at_most_at_Oz_where_a_search_over_single_passes_stays_above_it()
    {
        string passesOutput = Path.Combine(_output, "passes");
        var passes = CgymProcess.Run([.. TuneInto(passesOutput, Crc32, Dijkstra), "--action-space", "llvm-22-passes"]);
        Assert.True(passes.ExitCode == 0, passes.Stdout + passes.Stderr);
        var tune = CgymProcess.Run(Tune(Crc32, Dijkstra));
        Assert.True(tune.ExitCode == 0, tune.Stdout + tune.Stderr);

        var overPasses = Rows(passesOutput);
        var rows = Rows();
        Assert.All(overPasses, r => Assert.True(r.Best > r.Oz, $"{r.Program}: {r.Best} <= -Oz {r.Oz} over single passes"));
        Assert.All(rows, r => Assert.True(r.Best <= r.Oz, $"{r.Program}: {r.Best} > -Oz {r.Oz}"));
        Assert.All(rows, CheckResult);
    }

    [Fact]
    public void A_file_that_is_not_a_results_store_is_a_clear_error()
    {
        File.WriteAllText(Path.Combine(_output, "results.db"), "not a database, but text long enough to look like one's header");
        var run = CgymProcess.Run(Tune(Crc32));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("is not a cgym tune results store", run.Stderr);
    }

    [Fact]
    public void Tune_runs_on_a_server_uploads_a_users_c_file_and_tunes_it_again_once_changed()
    {
        string source = Path.Combine(_output, "sum.c");
        ProcessResult Run(string body)
        {
            File.WriteAllText(source, body + "int main(void) { int a[4] = {1, 2, 3, 4}; return sum(a, 4) != 10; }\n");
            var run = CgymProcess.Run([.. Tune(source), "--remote", server.Address]);
            Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
            var row = Assert.Single(Rows());
            Assert.Equal($"file://{source}", row.Program);
            CheckResult(row);
            return run;
        }
        Run("int sum(int *a, int n) { int s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }\n");
        // The server got the program as an upload (a server opens no file a client names).
        Assert.Single(Directory.EnumerateFiles(server.UserBenchmarks, "sum-*"));

        var again = Run("int sum(int *a, int n) { int s = 0; for (int i = n - 1; i >= 0; i--) s += a[i]; return s; }\n");
        Assert.DoesNotContain("skipped", again.Stdout);
        Assert.Equal(2, Directory.EnumerateFiles(server.UserBenchmarks, "sum-*").Count());
    }

    [Fact]
    public void Tune_lowers_object_code_size_against_its_baselines()
    {
        var run = CgymProcess.Run(["tune", Crc32, "--cost", "ObjectTextSizeBytes", "--search", "greedy", "--max-length", "1", "--time", "0", "-o", _output]);
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var row = Assert.Single(Rows());
        Assert.True(row.Valid);
        Assert.NotNull(row.Oz); // from ObjectTextSizeOz: the baselines of a cost may be named by a prefix of it
        // The floor is the standard pipeline of smallest object code; greedy search adds at most one action.
        Assert.True(row.Best <= row.Oz, $"{row.Best} > -Oz {row.Oz}");
        Assert.Contains(row.Actions[0], new[] { "Oz", "Os", "O2", "O3" });
        Assert.InRange(row.Actions.Length, 1, 2);
        Assert.Contains("ObjectTextSizeBytes", run.Stdout);
    }

    [Fact]
    public void The_written_script_remakes_the_result_with_the_stock_tools()
    {
        var run = CgymProcess.Run(Tune(Qsort));
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var row = Assert.Single(Rows());
        CheckResult(row);
        string executable = Path.Combine(_output, row.ExecutableFile!);
        Assert.Contains("OK", ProcessRunner.Run(executable, [], TimeSpan.FromSeconds(30)).Stdout);

        string remade = Path.Combine(_output, "remade");
        var script = ProcessRunner.Run("sh", [Path.Combine(_output, row.ScriptFile!), remade], TimeSpan.FromMinutes(1));
        Assert.True(script.ExitCode == 0, script.Stderr);
        string Ir(string folder)
        {
            using var module = LlvmModule.ParseBitcode(File.ReadAllBytes(Path.Combine(folder, row.BitcodeFile)), "ir");
            return LlvmObservations.WithoutModuleId(module.ToText());
        }
        Assert.Equal(Ir(_output), Ir(remade));
        using (var module = LlvmModule.ParseBitcode(File.ReadAllBytes(Path.Combine(remade, row.BitcodeFile)), "remade"))
            Assert.Equal(row.Best, InstCount.InstructionCount(module));
        // llc-22 and clang-22 with the script's flags make the very object code and executable the environment made.
        Assert.Equal(File.ReadAllBytes(Path.Combine(_output, row.ObjectFile)), File.ReadAllBytes(Path.Combine(remade, row.ObjectFile)));
        Assert.Equal(File.ReadAllBytes(executable), File.ReadAllBytes(Path.Combine(remade, row.ExecutableFile!)));
    }

    [Fact]
    public void A_library_gets_no_executable_and_its_script_does_not_link()
    {
        string source = Path.Combine(_output, "lib.c");
        File.WriteAllText(source, "int sum(int *a, int n) { int s = 0; for (int i = 0; i < n; i++) s += a[i]; return s; }\n");
        var run = CgymProcess.Run(Tune(source));
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var row = Assert.Single(Rows());
        Assert.Null(row.ExecutableFile);
        Assert.DoesNotContain("clang-22", File.ReadAllText(Path.Combine(_output, row.ScriptFile!)));
        string remade = Path.Combine(_output, "remade");
        Assert.Equal(0, ProcessRunner.Run("sh", [Path.Combine(_output, row.ScriptFile!), remade], TimeSpan.FromMinutes(1)).ExitCode);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_output, row.ObjectFile)), File.ReadAllBytes(Path.Combine(remade, row.ObjectFile)));
    }

    [Fact]
    public void A_result_of_another_LLVM_version_is_tuned_again()
    {
        // A stored result that a resumed run would take, were it made by this LLVM: its best cost of 1 marks it.
        var input = LlvmEnvSpec.Instance.ResolveProgram(Crc32);
        string settings = "beam search of width up to 2 over llvm-22-tune from the best of Oz, Oz-no-inlining, Os, O2, O3 and over llvm-22-passes, " +
            "300 steps per program shared, at most 40 actions after the floor";
        void Store(string compilerVersion)
        {
            using var store = new ResultsStore(Path.Combine(_output, ResultsStore.FileName));
            store.Save(new TuneRecord(Crc32, input.InputHash, "IrInstructionCount", "beam", settings, 558, 227, 230, 1, "", "", [], 0, 0, true, "",
                "x.bc", "x.o", DateTimeOffset.UtcNow, compilerVersion, input.Target, "", null, null, null));
        }

        Store(s_llvm);
        var same = CgymProcess.Run(Tune(Crc32));
        Assert.Contains("skipped", same.Stdout);
        Assert.Equal(1, Assert.Single(Rows()).Best);

        Store("LLVM 21.1.0");
        var other = CgymProcess.Run(Tune(Crc32));
        Assert.True(other.ExitCode == 0, other.Stdout + other.Stderr);
        Assert.DoesNotContain("skipped", other.Stdout);
        var row = Assert.Single(Rows());
        Assert.Equal(s_llvm, row.CompilerVersion);
        CheckResult(row);
    }

    [Fact]
    public void A_store_of_the_old_layout_gains_the_provenance_columns_and_its_rows_are_not_reused()
    {
        string path = Path.Combine(_output, ResultsStore.FileName);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE results (
                    program TEXT NOT NULL, input_hash TEXT NOT NULL, cost TEXT NOT NULL, search TEXT NOT NULL, settings TEXT NOT NULL,
                    o0 REAL NOT NULL, oz REAL, o3 REAL, best REAL NOT NULL,
                    pipeline TEXT NOT NULL, commandline TEXT NOT NULL, actions TEXT NOT NULL,
                    evaluations INTEGER NOT NULL, seconds REAL NOT NULL, valid INTEGER NOT NULL, validation TEXT NOT NULL,
                    bitcode_file TEXT NOT NULL, object_file TEXT NOT NULL, finished_at TEXT NOT NULL,
                    PRIMARY KEY (program, cost, search));
                INSERT INTO results VALUES ('p', 'h', 'c', 's', 'x', 10, 5, 6, 4, 'gvn', 'opt-22', '["gvn"]', 1, 0.5, 1, 'ok', 'p.bc', 'p.o', '2026-01-01T00:00:00+00:00');
                """;
            command.ExecuteNonQuery();
        }
        using var store = new ResultsStore(path);
        Assert.Null(store.Find("p", "h", "c", "s", "x", s_llvm, TargetMachine.DefaultTriple));
        Assert.Null(store.Find("p", "h", "c", "s", "x", s_llvm, null));
        // Tuned again, it is stored with its provenance and found.
        store.Save(new TuneRecord("p", "h", "c", "s", "x", 10, 5, 6, 3, "gvn", "opt-22", ["gvn"], 1, 0.5, true, "ok", "p.bc", "p.o",
            DateTimeOffset.UtcNow, s_llvm, TargetMachine.DefaultTriple, "opt-22", "p.O0.bc", "p.reproduce.sh", "p"));
        Assert.Equal(3, store.Find("p", "h", "c", "s", "x", s_llvm, TargetMachine.DefaultTriple)?.Best);
    }

    [Fact]
    public void A_test_command_gets_the_tuned_executable_and_a_failing_one_marks_the_result_invalid()
    {
        var passing = CgymProcess.Run([.. Tune(Crc32), "--test", "\"$CGYM_TUNED\" | grep OK && test \"$CGYM_TUNED\" = {}"]);
        Assert.True(passing.ExitCode == 0, passing.Stdout + passing.Stderr);
        var passed = Assert.Single(Rows());
        Assert.True(passed.Valid);
        Assert.EndsWith("passed", passed.Validation);

        var failing = CgymProcess.Run([.. Tune(Crc32), "--test", "echo testing {}; exit 3"]);
        Assert.Equal(1, failing.ExitCode);
        var failed = Assert.Single(Rows());
        Assert.False(failed.Valid);
        Assert.Contains($"exit code 3, output ending: testing {Path.Combine(_output, failed.ExecutableFile!)}", failed.Validation);
        Assert.Contains("did not validate", failing.Stderr);
    }

    [Theory]
    [InlineData("--cost", "Autophase", "the cost must be a scalar observation")]
    [InlineData("--remote", "http://127.0.0.1:1", "cgym: error:")] // nothing listens on port 1
    [InlineData("--remote", "http://127.0.0.1:1,http://127.0.0.1:2", "no server answered at http://127.0.0.1:1, http://127.0.0.1:2")]
    public void Bad_options_exit_with_a_clear_message(string option, string value, string message)
    {
        var run = CgymProcess.Run(["tune", Crc32, option, value, "-o", _output]);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("cgym: error:", run.Stderr);
        Assert.Contains(message, run.Stderr);
    }
}
