using CompilerGym.Core.Benchmarks;

namespace CompilerGym.Core.Tests;

public class BenchmarkUriTests
{
    [Theory]
    [InlineData("benchmark://builtin-v0/crc32", "benchmark", "builtin-v0", "crc32")]
    [InlineData("builtin-v0/crc32", "benchmark", "builtin-v0", "crc32")]
    [InlineData("generator://csmith-v0/42", "generator", "csmith-v0", "42")]
    [InlineData("benchmark://cbench-v1/a/b", "benchmark", "cbench-v1", "a/b")]
    [InlineData("file:///tmp/prog.c", "file", "", "/tmp/prog.c")]
    public void Parses_each_form(string text, string scheme, string dataset, string name)
    {
        var uri = BenchmarkUri.Parse(text);
        Assert.Equal((scheme, dataset, name), (uri.Scheme, uri.Dataset, uri.Name));
        Assert.Equal(uri, BenchmarkUri.Parse(uri.ToString()));
    }

    [Fact]
    public void A_bare_path_is_a_file()
    {
        var uri = BenchmarkUri.Parse("./prog.c");
        Assert.Equal("file", uri.Scheme);
        Assert.Equal(Path.GetFullPath("prog.c"), uri.Name);
    }

    [Theory]
    [InlineData("ftp://x/y", "unknown scheme")]
    [InlineData("benchmark://only-dataset", "DATASET/NAME")]
    [InlineData("benchmark:///name", "DATASET/NAME")]
    [InlineData("file://relative/path", "absolute path")]
    public void Rejects_malformed_uris_with_a_reason(string text, string reason)
    {
        Assert.Contains(reason, Assert.Throws<FormatException>(() => BenchmarkUri.Parse(text)).Message);
    }
}
