using System.Text.RegularExpressions;

namespace CompilerGym.Mlir.Benchmarks;

/// <summary>One argument of a kernel: a statically shaped f32 memref.</summary>
public sealed record MemrefArg(string Name, IReadOnlyList<long> Shape)
{
    public long Elements => Shape.Aggregate(1L, (a, b) => a * b);
    public string Type => $"memref<{string.Join("x", Shape)}xf32>";
    public string TensorType => $"tensor<{string.Join("x", Shape)}xf32>";
}

/// <summary>
/// How a kernel is called: <c>func.func @kernel</c> with statically shaped f32 memref arguments,
/// inputs first and the one output last (destination-passing style).
/// </summary>
public sealed partial record KernelSignature(IReadOnlyList<MemrefArg> Args)
{
    public const string FunctionName = "kernel";

    /// <summary>
    /// The most memory a kernel's arguments may take, 1 GiB: the harness allocates them all, and a
    /// kernel that size already takes minutes per call unoptimized (an 8192² matmul, 768 MiB), so
    /// larger ones could not be timed within an episode anyway. The sandbox's memory limit
    /// (<see cref="Runtime.Harness.MemoryBytes"/>) leaves room above it for the kernel's temporaries.
    /// </summary>
    public const long MaxArgumentBytes = 1L << 30;

    /// <summary>The bytes of all arguments; a double, since a user's file may declare shapes whose product overflows a long.</summary>
    public double ArgumentBytes => Args.Sum(a => a.Shape.Aggregate((double)sizeof(float), (bytes, d) => bytes * d));

    public IEnumerable<MemrefArg> Inputs => Args.Take(Args.Count - 1);
    public MemrefArg Output => Args[^1];

    /// <summary>Reads the signature of <c>@kernel</c> from MLIR text, with a clear error for anything the harness cannot call.</summary>
    public static KernelSignature Read(string mlir, string name)
    {
        var function = KernelFunction().Match(mlir);
        if (!function.Success)
            throw new FormatException($"'{name}' has no 'func.func @{FunctionName}(...)': a kernel is a function of that name");
        var args = new List<MemrefArg>();
        foreach (string arg in function.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var m = MemrefArgument().Match(arg);
            if (!m.Success)
                throw new FormatException($"'{name}': argument '{arg}' of @{FunctionName} is not a statically shaped f32 memref (memref<4x8xf32>)");
            var shape = m.Groups[2].Value.Split('x').Select(d => long.TryParse(d, out long size) ? size : -1).ToList();
            if (shape.Contains(-1)) throw new FormatException($"'{name}': argument '{arg}' of @{FunctionName} has a dimension too large to allocate");
            args.Add(new MemrefArg(m.Groups[1].Value, shape));
        }
        if (args.Count < 2) throw new FormatException($"'{name}': @{FunctionName} needs at least one input and an output argument");
        var signature = new KernelSignature(args);
        if (signature.ArgumentBytes > MaxArgumentBytes)
            throw new FormatException($"'{name}': the arguments of @{FunctionName} take {signature.ArgumentBytes / (1L << 30):0.##} GiB "
                + $"({signature.ArgumentBytes:0} bytes), more than the {MaxArgumentBytes >> 30} GiB a kernel may have");
        return signature;
    }

    [GeneratedRegex(@"func\.func\s+@kernel\s*\(([^)]*)\)")]
    private static partial Regex KernelFunction();

    [GeneratedRegex(@"^%(\w+)\s*:\s*memref<((?:\d+x)*\d+)xf32>(?:\s*\{[^}]*\})?$")]
    private static partial Regex MemrefArgument();
}
