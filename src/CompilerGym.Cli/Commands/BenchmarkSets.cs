using CompilerGym.Llvm.Datasets;
using CompilerGym.Mlir.Benchmarks;

namespace CompilerGym.Cli.Commands;

/// <summary>
/// The benchmark sets of training and evaluation. <see cref="HeldOut"/> is the one place that
/// names the built-in programs a policy never trains on, so its evaluation there measures what
/// carries over to unseen programs.
/// </summary>
internal static class BenchmarkSets
{
    /// <summary>Six programs from 558 to 4,208 unoptimized instructions, of different kinds.</summary>
    public static readonly IReadOnlyList<string> HeldOut =
        [.. new[] { "crc32", "dijkstra", "huffman", "interp", "qsort", "sha256" }.Select(n => $"benchmark://{BuiltinDataset.DatasetName}/{n}")];

    public static IReadOnlyList<string> Builtin => [.. new BuiltinDataset().Benchmarks.Select(b => b.Uri)];

    /// <summary>The built-in programs less the held-out ones.</summary>
    public static IReadOnlyList<string> Training => [.. Builtin.Except(HeldOut)];

    /// <summary>generator://csmith-v0/1 to /count: random C programs, the same for the same seed.</summary>
    public static IReadOnlyList<string> Csmith(int count) => [.. Enumerable.Range(1, count).Select(i => $"generator://csmith-v0/{i}")];

    /// <summary>
    /// mlir-v0's targets, never trained on: matmul 512³ and a ResNet-style 3×3 convolution,
    /// 56×56 with 32 channels in and out.
    /// </summary>
    public static readonly IReadOnlyList<string> MlirHeldOut =
        [.. new[] { "matmul?m=512&n=512&k=512", "conv2d?n=1&h=56&w=56&c=32&f=32&kh=3&kw=3" }.Select(Kernel)];

    /// <summary>
    /// mlir-v0's training kernels: matrix products and convolutions of other, smaller shapes (a
    /// step is timed by running the kernel, so small kernels keep training fast), and a batched
    /// product and a dense layer.
    /// </summary>
    public static readonly IReadOnlyList<string> MlirTraining =
    [
        .. new[]
        {
            "matmul?m=128&n=128&k=128", "matmul?m=256&n=128&k=64", "matmul?m=64&n=256&k=192", "matmul?m=192&n=192&k=256",
            "conv2d?n=1&h=28&w=28&c=16&f=16&kh=3&kw=3", "conv2d?n=1&h=14&w=14&c=32&f=64&kh=3&kw=3", "conv2d?n=1&h=28&w=28&c=8&f=32&kh=3&kw=3",
            "batch_matmul?b=2&m=64&n=96&k=64", "mlp?m=64&n=128&k=256",
        }.Select(Kernel),
    ];

    private static string Kernel(string name) => $"benchmark://{MlirBenchmark.Dataset}/{name}";

    public static readonly IReadOnlyList<string> Names = ["held-out", "training", "builtin", "mlir-held-out", "mlir-training"];

    public static IReadOnlyList<string> Get(string name) => name switch
    {
        "held-out" => HeldOut,
        "training" => Training,
        "builtin" => Builtin,
        "mlir-held-out" => MlirHeldOut,
        "mlir-training" => MlirTraining,
        _ => throw new ArgumentException($"unknown benchmark set '{name}' (known: {string.Join(", ", Names)})"),
    };
}
