using CompilerGym.Core.Benchmarks;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Observations;

namespace CompilerGym.Llvm.Tests;

public class GeneratorTests
{
    public static TheoryData<string> Generators() => [CsmithGenerator.GeneratorName, LlvmStressGenerator.GeneratorName];

    [Fact]
    public void Csmith_writes_nothing_into_the_working_directory()
    {
        // csmith writes platform.info where it runs; the process's own folder must not get one.
        string stray = Path.Combine(Environment.CurrentDirectory, "platform.info");
        if (File.Exists(stray)) File.Delete(stray);
        string dir = Directory.CreateTempSubdirectory("cgym-gen-").FullName;
        try
        {
            new CsmithGenerator().Generate(11, Path.Combine(dir, "p.bc"), target: null);
            Assert.True(File.Exists(Path.Combine(dir, "p.bc")));
            Assert.False(File.Exists(stray));
            Assert.Equal(["p.bc"], Directory.GetFiles(dir).Select(Path.GetFileName));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [MemberData(nameof(Generators))]
    public void The_same_seed_gives_the_same_module(string name)
    {
        var generator = BenchmarkStore.Default.Generators.Single(g => g.Name == name);
        string dir = Directory.CreateTempSubdirectory("cgym-gen-").FullName;
        try
        {
            string a = Path.Combine(dir, "a.bc"), b = Path.Combine(dir, "b.bc"), c = Path.Combine(dir, "c.bc");
            generator.Generate(7, a, target: null);
            generator.Generate(7, b, target: null);
            generator.Generate(8, c, target: null);
            Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
            Assert.NotEqual(File.ReadAllBytes(a), File.ReadAllBytes(c));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("generator://csmith-v0/3")]
    [InlineData("generator://llvm-stress-v0/3")]
    public void Generated_benchmarks_run_episodes_that_opt_reproduces(string uri)
    {
        using var env = new LlvmEnv();
        env.Reset(uri);
        Assert.Equal(uri, env.Benchmark);
        env.Step(["sroa", "instcombine", "simplifycfg", "gvn", "licm", "loop-unroll", "adce"]);
        string optIr = OptTool.RunToText(env.CurrentBenchmark!.BitcodePath, env.Pipeline);
        Assert.Equal(LlvmObservations.WithoutModuleId(optIr), LlvmObservations.WithoutModuleId(env.Observe("Ir").AsText()));
    }

    [Theory]
    [InlineData("generator://csmith-v0/minus-one")]
    [InlineData("generator://csmith-v0/-1")]
    [InlineData("generator://no-such-generator/1")]
    public void Bad_generator_uris_are_reported(string uri)
    {
        using var env = new LlvmEnv();
        Assert.Throws<UnknownBenchmarkException>(() => env.Reset(uri));
    }
}
