using CompilerGym.Core.Benchmarks;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Observations;

namespace CompilerGym.Llvm.Tests;

/// <summary>Programs of several C files: a folder, or a compile_commands.json, become one module.</summary>
public sealed class CProjectTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cgym-project-").FullName;

    public CProjectTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "lib"));
        File.WriteAllText(Path.Combine(_dir, "lib", "util.h"), "int scale(int x);\n");
        // SCALE must come from the build's flags: without -DSCALE=3 the file does not compile.
        File.WriteAllText(Path.Combine(_dir, "lib", "util.c"), "#include \"util.h\"\n#ifndef SCALE\n#define SCALE 2\n#endif\nint scale(int x) { return x * SCALE; }\n");
        File.WriteAllText(Path.Combine(_dir, "main.c"),
            "#include \"lib/util.h\"\nint main(void) { int s = 0; for (int i = 0; i < 10; i++) s += scale(i); return s != 135; }\n");
    }

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void A_folder_of_c_files_is_one_module()
    {
        using var env = new LlvmEnv();
        env.Reset(_dir);
        string ir = env.Observe("Ir").AsText();
        Assert.Contains("define dso_local i32 @main", ir);
        Assert.Contains("define dso_local i32 @scale", ir);
        Assert.Contains("mul nsw i32 %", ir);

        // The linked module is a benchmark like any other: opt-22 reproduces the env's result.
        env.Step(["inline", "sroa", "instcombine"]);
        Assert.Equal(LlvmObservations.WithoutModuleId(OptTool.RunToText(env.CurrentBenchmark!.BitcodePath, env.Pipeline)),
            LlvmObservations.WithoutModuleId(env.Observe("Ir").AsText()));
    }

    [Fact]
    public void A_compilation_database_applies_each_files_flags()
    {
        string db = Path.Combine(_dir, "compile_commands.json");
        File.WriteAllText(db, $$"""
            [
              {"directory": "{{_dir}}", "file": "main.c", "arguments": ["cc", "-O2", "-Wall", "-c", "main.c", "-o", "main.o"]},
              {"directory": "{{_dir}}/lib", "file": "util.c", "command": "cc -O2 -DSCALE=3 -I . -c util.c -o util.o"},
              {"directory": "{{_dir}}", "file": "notes.txt", "arguments": ["cc", "notes.txt"]}
            ]
            """);
        using var env = new LlvmEnv();
        env.Reset(db);
        env.Step(["sroa", "instcombine"]);
        // The -DSCALE=3 of util.c's entry reached the compiler: the multiplication is by 3.
        Assert.Matches(@"mul nsw i32 %\w+, 3", env.Observe("Ir").AsText());
    }

    [Fact]
    public void Broken_projects_say_what_is_wrong()
    {
        using var env = new LlvmEnv();
        string empty = Directory.CreateDirectory(Path.Combine(_dir, "empty")).FullName;
        Assert.Contains("no .c files", Assert.Throws<UnknownBenchmarkException>(() => env.Reset(empty)).Message);

        string db = Path.Combine(_dir, "compile_commands.json");
        File.WriteAllText(db, "{ not json");
        Assert.Contains("not a compilation database", Assert.Throws<UnknownBenchmarkException>(() => env.Reset(db)).Message);
        File.WriteAllText(db, """[{"directory": 7, "file": "main.c", "arguments": []}]""");
        Assert.Contains("'directory' and 'file'", Assert.Throws<UnknownBenchmarkException>(() => env.Reset(db)).Message);
        File.WriteAllText(db, $$"""[{"directory": "{{_dir}}", "file": "main.c"}]""");
        Assert.Contains("neither 'arguments' nor 'command'", Assert.Throws<UnknownBenchmarkException>(() => env.Reset(db)).Message);

        // Two programs in one folder: two definitions of main cannot be linked into one module.
        File.WriteAllText(Path.Combine(_dir, "other.c"), "int main(void) { return 0; }\n");
        Assert.Contains("llvm-link-22", Assert.Throws<LlvmException>(() => env.Reset(_dir)).Message);
    }
}
