using System.Text;

namespace CompilerGym.Mlir.Benchmarks;

/// <summary>
/// The parametric kernels of <c>benchmark://mlir-linalg-v0</c>, generated as MLIR text: linalg
/// operations on tensors between memref arguments (read with <c>bufferization.to_tensor</c>,
/// written with <c>materialize_in_destination</c>), the main operation marked <c>cgym.root</c>,
/// which is what the actions transform.
/// </summary>
public static class Kernels
{
    /// <summary>A kernel family: its shape parameters with defaults, and its generator.</summary>
    public sealed record Family(string Name, string Description, IReadOnlyList<(string Name, long Default)> Parameters,
        Func<IReadOnlyDictionary<string, long>, string> Generate);

    public static IReadOnlyList<Family> All { get; } =
    [
        new("matmul", "C[m,n] = A[m,k] B[k,n]", [("m", 256), ("n", 256), ("k", 256)], Matmul),
        new("batch_matmul", "C[b,m,n] = A[b,m,k] B[b,k,n]", [("b", 4), ("m", 128), ("n", 128), ("k", 128)], BatchMatmul),
        new("conv2d", "2-D convolution, NHWC input, HWCF filter, stride 1; h, w are the output's", [("n", 1), ("h", 56), ("w", 56), ("c", 32), ("f", 32), ("kh", 3), ("kw", 3)], Conv2d),
        new("pooling", "2-D max pooling, NHWC, stride 1; h, w are the output's", [("n", 1), ("h", 56), ("w", 56), ("c", 64), ("kh", 3), ("kw", 3)], Pooling),
        new("elementwise", "a chain of elementwise operations: relu((a + b) * a) - b", [("m", 1024), ("n", 1024)], Elementwise),
        new("reduction", "row sums: out[m] = sum over n of a[m,n]", [("m", 1024), ("n", 1024)], Reduction),
        new("mlp", "a dense layer: relu(x[m,k] w[k,n] + bias[n])", [("m", 128), ("n", 256), ("k", 512)], Mlp),
    ];

    public static Family Get(string name) => All.FirstOrDefault(f => f.Name == name)
        ?? throw new ArgumentException($"unknown kernel '{name}' in mlir-linalg-v0 (known: {string.Join(", ", All.Select(f => f.Name))})");

    private static string Matmul(IReadOnlyDictionary<string, long> p)
    {
        long m = p["m"], n = p["n"], k = p["k"];
        var w = new KernelWriter([new("a", [m, k]), new("b", [k, n]), new("out", [m, n])]);
        string init = w.Fill("0.0", [m, n]);
        w.Root($"linalg.matmul {{cgym.root}} ins(%A, %B : {w.T("a")}, {w.T("b")}) outs({init} : {w.T("out")}) -> {w.T("out")}");
        return w.Finish();
    }

    private static string BatchMatmul(IReadOnlyDictionary<string, long> p)
    {
        long b = p["b"], m = p["m"], n = p["n"], k = p["k"];
        var w = new KernelWriter([new("a", [b, m, k]), new("b", [b, k, n]), new("out", [b, m, n])]);
        string init = w.Fill("0.0", [b, m, n]);
        w.Root($"linalg.batch_matmul {{cgym.root}} ins(%A, %B : {w.T("a")}, {w.T("b")}) outs({init} : {w.T("out")}) -> {w.T("out")}");
        return w.Finish();
    }

    private static string Conv2d(IReadOnlyDictionary<string, long> p)
    {
        long n = p["n"], h = p["h"], wd = p["w"], c = p["c"], f = p["f"], kh = p["kh"], kw = p["kw"];
        var w = new KernelWriter([new("input", [n, h + kh - 1, wd + kw - 1, c]), new("filter", [kh, kw, c, f]), new("out", [n, h, wd, f])]);
        string init = w.Fill("0.0", [n, h, wd, f]);
        w.Root($"linalg.conv_2d_nhwc_hwcf {{cgym.root, dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}} " +
            $"ins(%INPUT, %FILTER : {w.T("input")}, {w.T("filter")}) outs({init} : {w.T("out")}) -> {w.T("out")}");
        return w.Finish();
    }

    private static string Pooling(IReadOnlyDictionary<string, long> p)
    {
        long n = p["n"], h = p["h"], wd = p["w"], c = p["c"], kh = p["kh"], kw = p["kw"];
        var w = new KernelWriter([new("input", [n, h + kh - 1, wd + kw - 1, c]), new("out", [n, h, wd, c])]);
        // The lowest finite f32, so that the maximum of any window is exact and the same however it is computed.
        string init = w.Fill("-3.40282347E+38", [n, h, wd, c]);
        string window = w.Value($"tensor.empty() : tensor<{kh}x{kw}xf32>");
        w.Root($"linalg.pooling_nhwc_max {{cgym.root, dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}} " +
            $"ins(%INPUT, {window} : {w.T("input")}, tensor<{kh}x{kw}xf32>) outs({init} : {w.T("out")}) -> {w.T("out")}");
        return w.Finish();
    }

    private static string Elementwise(IReadOnlyDictionary<string, long> p)
    {
        long m = p["m"], n = p["n"];
        var w = new KernelWriter([new("a", [m, n]), new("b", [m, n]), new("out", [m, n])]);
        string sum = w.Elementwise2D("%A", "%B", [m, n], "arith.addf %x, %y : f32");
        string product = w.Elementwise2D(sum, "%A", [m, n], "arith.mulf %x, %y : f32");
        string relu = w.Elementwise2D(product, "%B", [m, n], "arith.maximumf %x, %zero : f32");
        w.Root($"linalg.generic {{indexing_maps = [{Id2}, {Id2}, {Id2}], iterator_types = [\"parallel\", \"parallel\"]}} " +
            $"ins({relu}, %B : {w.T("out")}, {w.T("b")}) outs(%empty_out : {w.T("out")}) attrs = {{cgym.root}} {{\n" +
            "  ^bb0(%x: f32, %y: f32, %o: f32):\n    %r = arith.subf %x, %y : f32\n    linalg.yield %r : f32\n  }" + $" -> {w.T("out")}");
        return w.Finish();
    }

    private static string Reduction(IReadOnlyDictionary<string, long> p)
    {
        long m = p["m"], n = p["n"];
        var w = new KernelWriter([new("a", [m, n]), new("out", [m])]);
        string init = w.Fill("0.0", [m]);
        w.Root("linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = [\"parallel\", \"reduction\"]} " +
            $"ins(%A : {w.T("a")}) outs({init} : {w.T("out")}) attrs = {{cgym.root}} {{\n" +
            "  ^bb0(%x: f32, %acc: f32):\n    %r = arith.addf %acc, %x : f32\n    linalg.yield %r : f32\n  }" + $" -> {w.T("out")}");
        return w.Finish();
    }

    private static string Mlp(IReadOnlyDictionary<string, long> p)
    {
        long m = p["m"], n = p["n"], k = p["k"];
        var w = new KernelWriter([new("input", [m, k]), new("weights", [k, n]), new("bias", [n]), new("out", [m, n])]);
        string init = w.Fill("0.0", [m, n]);
        string product = w.Value($"linalg.matmul ins(%INPUT, %WEIGHTS : {w.T("input")}, {w.T("weights")}) outs({init} : {w.T("out")}) -> {w.T("out")}");
        w.Root($"linalg.generic {{indexing_maps = [{Id2}, affine_map<(i, j) -> (j)>, {Id2}], iterator_types = [\"parallel\", \"parallel\"]}} " +
            $"ins({product}, %BIAS : {w.T("out")}, {w.T("bias")}) outs(%empty_out : {w.T("out")}) attrs = {{cgym.root}} {{\n" +
            "  ^bb0(%x: f32, %b: f32, %o: f32):\n    %s = arith.addf %x, %b : f32\n    %r = arith.maximumf %s, %zero : f32\n    linalg.yield %r : f32\n  }" +
            $" -> {w.T("out")}");
        return w.Finish();
    }

    private const string Id2 = "affine_map<(i, j) -> (i, j)>";

    /// <summary>Writes the common frame of a kernel: arguments as tensors, values, the root, the store into the output.</summary>
    private sealed class KernelWriter
    {
        private readonly KernelSignature _signature;
        private readonly StringBuilder _body = new();
        private int _next;

        public KernelWriter(IReadOnlyList<MemrefArg> args)
        {
            _signature = new KernelSignature(args);
            foreach (var arg in _signature.Inputs)
                Line($"%{arg.Name.ToUpperInvariant()} = bufferization.to_tensor %{arg.Name} restrict : {arg.Type} to {arg.TensorType}");
            Line("%zero = arith.constant 0.0 : f32");
            Line($"%empty_out = tensor.empty() : {_signature.Output.TensorType}");
        }

        public string T(string arg) => _signature.Args.First(a => a.Name == arg).TensorType;

        public string Value(string expression)
        {
            string name = $"%v{_next++}";
            Line($"{name} = {expression}");
            return name;
        }

        public string Fill(string value, IReadOnlyList<long> shape)
        {
            string type = $"tensor<{string.Join("x", shape)}xf32>";
            string constant = Value($"arith.constant {value} : f32");
            string empty = shape.SequenceEqual(_signature.Output.Shape) ? "%empty_out" : Value($"tensor.empty() : {type}");
            return Value($"linalg.fill ins({constant} : f32) outs({empty} : {type}) -> {type}");
        }

        /// <summary>A 2-D elementwise generic of two operands; the body computes %r from %x and %y.</summary>
        public string Elementwise2D(string x, string y, IReadOnlyList<long> shape, string body)
        {
            string type = $"tensor<{shape[0]}x{shape[1]}xf32>";
            return Value($"linalg.generic {{indexing_maps = [{Id2}, {Id2}, {Id2}], iterator_types = [\"parallel\", \"parallel\"]}} " +
                $"ins({x}, {y} : {type}, {type}) outs(%empty_out : {type}) {{\n  ^bb0(%x: f32, %y: f32, %o: f32):\n    %r = {body}\n    linalg.yield %r : f32\n  }} -> {type}");
        }

        public void Root(string expression) => Line($"%root = {expression}");

        public string Finish()
        {
            var output = _signature.Output;
            Line($"bufferization.materialize_in_destination %root in restrict writable %{output.Name} : ({output.TensorType}, {output.Type}) -> ()");
            Line("return");
            string args = string.Join(", ", _signature.Args.Select(a => $"%{a.Name}: {a.Type}"));
            return $"func.func @{KernelSignature.FunctionName}({args}) attributes {{llvm.emit_c_interface}} {{\n{_body}}}\n";
        }

        private void Line(string line) => _body.Append("  ").Append(line).Append('\n');
    }
}
