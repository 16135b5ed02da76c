using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Llvm.Tests;

public class TargetTests
{
    private const string Crc32Aarch64 = "benchmark://builtin-v0/crc32?target=aarch64-unknown-linux-gnu";
    private const ushort ElfMachineAarch64 = 183;

    [Fact]
    public void A_builtin_stepped_for_aarch64_gives_aarch64_code_whose_text_size_llc_agrees_with()
    {
        using var env = new LlvmEnv(actionSpace: "llvm-22-tune");
        Assert.Equal(Crc32Aarch64, env.Reset("builtin-v0/crc32?target=aarch64-linux-gnu").Info.Benchmark);
        env.Step(["Oz", "loop-rotate"]);
        string dir = Directory.CreateTempSubdirectory("cgym-test-").FullName;
        try
        {
            // The tuner's output: its object file is AArch64 ELF (e_machine, bytes 18-19, little-endian).
            var output = LlvmEnvSpec.Instance.WriteResult(env, env.Benchmark!, env.State.Actions, dir, "crc32");
            byte[] elf = File.ReadAllBytes(Path.Combine(dir, output.MachineFile));
            Assert.Equal("\x7f" + "ELF", System.Text.Encoding.ASCII.GetString(elf, 0, 4));
            Assert.Equal(ElfMachineAarch64, BitConverter.ToUInt16(elf, 18));

            long text = OptTool.LlcTextSize(Path.Combine(dir, output.ProgramFile), "aarch64-linux-gnu");
            Assert.Equal(text, env.Observe("ObjectTextSizeBytes").AsDouble());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Each_target_is_its_own_benchmark_with_its_own_baselines()
    {
        var x86 = BenchmarkStore.Default.Get("benchmark://builtin-v0/crc32");
        var aarch64 = BenchmarkStore.Default.Get("benchmark://builtin-v0/crc32?target=aarch64-linux-gnu");
        Assert.Same(x86, BenchmarkStore.Default.Get($"benchmark://builtin-v0/crc32?target={TargetMachine.DefaultTriple}"));
        Assert.Equal("aarch64-unknown-linux-gnu", aarch64.TargetTriple);
        Assert.NotEqual(x86.BitcodePath, aarch64.BitcodePath);
        Assert.NotEqual(x86.Baselines.ObjectTextSize.Oz, aarch64.Baselines.ObjectTextSize.Oz);
        // This machine cannot run AArch64 code, so such a benchmark is no program to run.
        Assert.False(aarch64.IsRunnable);
        Assert.Contains("aarch64-unknown-linux-gnu", aarch64.NotRunnableReason);
    }

    [Fact]
    public void An_unknown_triple_is_a_clear_error_that_changes_nothing()
    {
        using var env = new LlvmEnv();
        env.Reset("benchmark://builtin-v0/crc32");
        var error = Assert.ThrowsAny<ArgumentException>(() => env.Reset("benchmark://builtin-v0/crc32?target=sparc-sun-nowhere"));
        Assert.Contains("unknown target triple 'sparc-sun-nowhere'", error.Message);
        Assert.Contains("aarch64", error.Message);
        Assert.Equal("benchmark://builtin-v0/crc32", env.Benchmark);
        Assert.Throws<ArgumentException>(() => LlvmEnvSpec.Instance.WithTarget("builtin-v0/crc32", "nonsense"));
    }

    [Fact]
    public void A_module_compiled_for_another_target_is_refused_naming_its_triple()
    {
        string dir = Directory.CreateTempSubdirectory("cgym-test-").FullName;
        try
        {
            string ll = Path.Combine(dir, "f.ll");
            File.WriteAllText(ll, $"target triple = \"{TargetMachine.DefaultTriple}\"\ndefine i32 @f(i32 %x) {{\n  ret i32 %x\n}}\n");
            var error = Assert.Throws<ArgumentException>(() => BenchmarkStore.Default.Get($"file://{ll}?target=riscv64-linux-gnu"));
            Assert.Contains($"compiled for {TargetMachine.DefaultTriple}, not riscv64-unknown-linux-gnu", error.Message);
        }
        finally { Directory.Delete(dir, true); }
    }
}
