using CompilerGym.Llvm.Datasets;

namespace CompilerGym.Llvm.Tests;

internal static class Fixtures
{
    public const string Crc32 = "benchmark://builtin-v0/crc32";

    public static IEnumerable<string> BuiltinUris => new BuiltinDataset().Benchmarks.Select(b => b.Uri);

    public static TheoryData<string> Builtins() => [.. BuiltinUris];

    /// <summary>A small module whose Autophase and InstCount features were worked out by hand (see FeatureTests).</summary>
    public const string SmallIr = """
        define i32 @f(i32 %x, i32 %y) {
        entry:
          %c = icmp sgt i32 %x, 0
          br i1 %c, label %then, label %join
        then:
          %a = add i32 %x, 1
          br label %join
        join:
          %p = phi i32 [ %a, %then ], [ 0, %entry ]
          %s = sub i32 %p, %y
          ret i32 %s
        }

        declare i64 @g(i64)

        define i64 @h(i64 %v) {
          %r = call i64 @g(i64 %v)
          %z = zext i32 7 to i64
          %m = mul i64 %r, %z
          ret i64 %m
        }
        """;
}
