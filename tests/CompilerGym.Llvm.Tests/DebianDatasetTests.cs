using System.Buffers.Binary;
using CompilerGym.Core.Benchmarks;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Llvm.Datasets.Debian;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Execution;
using CompilerGym.Llvm.Observations;

namespace CompilerGym.Llvm.Tests;

/// <summary>
/// debian-v0: small programs are built from Debian's source packages (this needs Debian's archive
/// the first time), run at O0, Oz and O3, and checked against their inputs.
/// </summary>
public class DebianDatasetTests
{
    private static readonly string[] s_levels = ["O0", "Oz", "O3"];

    [Fact]
    public void Every_program_is_listed_with_its_package_without_building()
    {
        var dataset = BenchmarkStore.Default.Datasets.OfType<DebianDataset>().Single();
        Assert.True(dataset.Benchmarks.Count >= 15);
        Assert.Equal(dataset.Benchmarks.Count, dataset.Benchmarks.Select(b => b.Uri).Distinct().Count());
        foreach (var program in DebianPrograms.All)
        {
            Assert.Contains(dataset.Benchmarks, b => b.Uri == $"benchmark://debian-v0/{program.Name}"
                && b.Description.Contains($"{program.Package.Name} {program.Package.Version}"));
            Assert.All(program.Arguments.Where(a => a.Contains('.')), a =>
                Assert.Contains(a, program.InputFiles.Select(f => f.Name).Concat(program.OutputFiles)));
        }
        Assert.Throws<UnknownBenchmarkException>(() => dataset.Load("no-such-program"));
    }

    [Fact]
    public void Inputs_are_the_same_bytes_every_time()
    {
        foreach (var file in DebianPrograms.All.SelectMany(p => p.InputFiles.Concat(p.SecondInput.Files)))
            Assert.Equal(file.Contents(), file.Contents());
        Assert.NotEqual(InputData.Text(1000, 1), InputData.Text(1000, 2));
    }

    [Fact]
    public void Every_program_has_a_second_input_of_other_bytes_under_the_same_names()
    {
        foreach (var program in DebianPrograms.All)
        {
            RunSpec main = DebianDataset.RunSpecOf(program), second = DebianDataset.SecondRunSpecOf(program);
            second.Check();
            Assert.Equal(main.Inputs.Select(i => i.Name), second.Inputs.Select(i => i.Name));
            foreach (var (first, other) in main.Inputs.Zip(second.Inputs))
                Assert.False(File.ReadAllBytes(first.Source).SequenceEqual(File.ReadAllBytes(other.Source)), $"{program.Name}: {other.Name} is the same in both runs");
            Assert.Contains(program.SecondInput.Description, program.Description);
        }
    }

    [Theory]
    [InlineData("cksum")]
    [InlineData("toast")]
    [InlineData("minigzip")]
    public void Cheap_programs_run_on_their_second_input(string name) => RunsOnItsSecondInput(name);

    [AllDebianProgramsTheory]
    [MemberData(nameof(AllPrograms))]
    public void Every_program_runs_on_its_second_input(string name) => RunsOnItsSecondInput(name);

    [Theory]
    [InlineData("bzip2", "corpus.txt")]
    [InlineData("lz4", "corpus.txt")]
    public void Compressors_give_identical_output_at_every_level_and_decompress_to_their_input(string name, string input)
    {
        var program = Program(name);
        byte[] original = program.InputFiles.Single(f => f.Name == input).Contents();
        foreach (var (level, exe, result) in RunAtEveryLevel(program))
        {
            var back = DebianRunner.Run(exe, ["-d", "-c", "compressed"], new Dictionary<string, byte[]> { ["compressed"] = result.Stdout });
            Assert.True(back.ExitCode == 0, $"{name} -d at {level}: {back.Stderr}");
            Assert.True(original.SequenceEqual(back.Stdout), $"{name} at {level} did not give back its input");
            Assert.True(result.Stdout.Length < original.Length / 2, $"{name} at {level} compressed {original.Length} bytes to {result.Stdout.Length}");
        }
    }

    [Fact]
    public void Toast_gives_identical_output_at_every_level_and_decodes_to_the_speech_it_encoded()
    {
        var program = Program("toast");
        byte[] speech = program.InputFiles.Single().Contents();
        foreach (var (level, exe, result) in RunAtEveryLevel(program))
        {
            // GSM 06.10: 33 bytes for every frame of 160 samples.
            Assert.Equal(speech.Length / 2 / 160 * 33, result.Stdout.Length);
            var decoded = DebianRunner.Run(exe, ["-d", "-c", "-l", "speech.gsm"], new Dictionary<string, byte[]> { ["speech.gsm"] = result.Stdout });
            Assert.True(decoded.ExitCode == 0, $"toast -d at {level}: {decoded.Stderr}");
            Assert.Equal(speech.Length, decoded.Stdout.Length);
            double correlation = Correlation(Samples(speech), Samples(decoded.Stdout));
            Assert.True(correlation > 0.9, $"toast at {level}: decoded speech correlates {correlation:F3} with the original");
        }
    }

    [Fact]
    public void A_failed_build_names_the_program_and_shows_its_log_and_the_other_programs_still_load()
    {
        var toast = Program("toast");
        var broken = toast with
        {
            Name = "broken-toast",
            Package = toast.Package with { BuildScript = "echo 'compiling the codec'\necho 'something is missing' >&2\nexit 3" },
        };
        var unlinked = toast with { Name = "unlinked-toast", Package = toast.Package with { BuildScript = toast.Package.BuildScript + "\n# unchanged build" }, LibraryFunction = "gsm_no_such_function" };
        var messages = new List<string>();
        var dataset = new DebianDataset([toast, broken, unlinked], messages.Add);

        var failure = Assert.Throws<BuildFailedException>(() => dataset.Load("broken-toast"));
        Assert.Contains("broken-toast", failure.Message);
        Assert.Contains("exit 3", failure.Message);
        Assert.Contains("something is missing", failure.Message);

        var notWhole = Assert.Throws<BuildFailedException>(() => dataset.Load("unlinked-toast"));
        Assert.Contains("does not define gsm_no_such_function", notWhole.Message);

        Assert.Equal(toast.Uri, dataset.Load("toast").Uri);
        messages.Clear();
        dataset.Load("toast");
        Assert.Empty(messages); // cached: no download, no build
    }

    [Fact]
    public void A_debian_program_runs_episodes_that_opt_reproduces()
    {
        using var env = new LlvmEnv();
        env.Reset("benchmark://debian-v0/toast");
        double before = env.Observe("IrInstructionCount").AsDouble();
        env.Step(["sroa", "instcombine", "simplifycfg", "gvn", "inline"]);
        Assert.True(env.Observe("IrInstructionCount").AsDouble() < before);
        string optIr = OptTool.RunToText(env.CurrentBenchmark!.BitcodePath, env.Pipeline);
        Assert.Equal(LlvmObservations.WithoutModuleId(optIr), LlvmObservations.WithoutModuleId(env.Observe("Ir").AsText()));
    }

    [Fact]
    public void A_debian_program_runs_through_the_env_and_its_episodes_are_validated_by_running_it()
    {
        using var env = new LlvmEnv();
        env.Reset("benchmark://debian-v0/bzip2");
        Assert.Equal(1, env.Observe("IsRunnable").AsDouble());
        env.Step(["sroa", "instcombine", "simplifycfg", "gvn", "inline", "licm"]);
        Assert.All(env.Observe("Runtime").AsInt64Vector(), t => Assert.True(t > 0));
        var validation = env.Validate();
        Assert.True(validation.Ok, validation.ToString());
    }

    public static TheoryData<string> AllPrograms() => [.. DebianPrograms.All.Select(p => p.Name)];

    [AllDebianProgramsTheory]
    [MemberData(nameof(AllPrograms))]
    public void Every_program_gives_identical_output_at_every_level(string name) => Assert.Equal(3, RunAtEveryLevel(Program(name)).Count());

    /// <summary>Builds the program, runs it at each level, and checks the runs succeed with identical results.</summary>
    private static IEnumerable<(string Level, string Executable, RunResult Result)> RunAtEveryLevel(DebianProgram program)
    {
        string module = new DebianDataset().ModulePath(program);
        string folder = Directory.CreateTempSubdirectory($"cgym-{program.Name}-").FullName;
        try
        {
            var runs = s_levels.Select(level =>
            {
                string exe = DebianRunner.Executable(module, level, program, folder);
                var result = DebianRunner.Run(exe, program);
                Assert.True(result.ExitCode == 0, $"{program.Name} at {level} exited {result.ExitCode}: {result.Stderr}");
                // The result is the output files when the program writes some, else standard output.
                if (program.OutputFiles.Count == 0) Assert.NotEmpty(result.Stdout);
                Assert.All(result.OutputFiles.Values, Assert.NotEmpty);
                return (level, exe, result);
            }).ToList();
            foreach (var (level, _, result) in runs.Skip(1))
            {
                Assert.True(runs[0].result.Stdout.SequenceEqual(result.Stdout), $"{program.Name}: the output at {level} differs from O0's");
                foreach (var (file, bytes) in runs[0].result.OutputFiles)
                    Assert.True(bytes.SequenceEqual(result.OutputFiles[file]), $"{program.Name}: {file} at {level} differs from O0's");
            }
            foreach (var run in runs) yield return run;
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    // The unoptimized build (made once for both runs) exits 0 on the second input, with other results than on the first.
    private static void RunsOnItsSecondInput(string name)
    {
        var benchmark = new DebianDataset().Load(name);
        Assert.True(benchmark.IsRunnable, benchmark.NotRunnableReason);
        var second = benchmark.SecondReference!;
        Assert.True(second.ExitCode == 0, $"{name} on its second input {second.Describe()}");
        Assert.False(second.Stdout.SequenceEqual(benchmark.Reference.Stdout) && second.OutputFiles.All(f => f.Value!.SequenceEqual(benchmark.Reference.OutputFiles[f.Key]!)),
            $"{name} computed the same on both inputs");
        Assert.All(second.OutputFiles.Values, Assert.NotNull);
    }

    private static DebianProgram Program(string name) => DebianPrograms.All.Single(p => p.Name == name);

    private static double[] Samples(byte[] pcm) =>
        [.. Enumerable.Range(0, pcm.Length / 2).Select(i => (double)BinaryPrimitives.ReadInt16LittleEndian(pcm.AsSpan(2 * i)))];

    private static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double ab = a.Zip(b, (x, y) => (x - ma) * (y - mb)).Sum();
        return ab / Math.Sqrt(a.Sum(x => (x - ma) * (x - ma)) * b.Sum(y => (y - mb) * (y - mb)));
    }
}

/// <summary>A theory that runs only with CGYM_DEBIAN_ALL=1: building every debian-v0 package takes many minutes.</summary>
public sealed class AllDebianProgramsTheoryAttribute : TheoryAttribute
{
    public AllDebianProgramsTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("CGYM_DEBIAN_ALL") != "1")
            Skip = "set CGYM_DEBIAN_ALL=1 to build and run every debian-v0 program (many minutes)";
    }
}
