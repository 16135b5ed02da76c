using CompilerGym.Llvm.Core;

namespace CompilerGym.Llvm.Datasets;

/// <summary>
/// A benchmark ready to use: its URI, its unoptimized bitcode (in memory and on disk, so that
/// opt-22 can reproduce a state from the same file), and its baseline costs, computed once.
/// </summary>
public sealed class LlvmBenchmark
{
    public string Uri { get; }
    public string BitcodePath { get; }
    public byte[] Bitcode { get; }
    public string Description { get; }
    /// <summary>The target triple the benchmark's file names (empty if none: it then runs on the default target).</summary>
    public string TargetTriple { get; }

    public LlvmBenchmark(string uri, string bitcodePath, string description)
    {
        Uri = uri;
        BitcodePath = bitcodePath;
        Description = description;
        Bitcode = File.ReadAllBytes(bitcodePath);
        // Fail now, with LLVM's message, rather than at every reset.
        using (var module = LlvmModule.Parse(Bitcode, Uri))
        {
            module.Verify();
            TargetTriple = module.TargetTriple;
        }
        Baselines = new Baselines(this);
    }

    public Baselines Baselines { get; }

    /// <summary>A fresh module of the unoptimized program, in its own context, on the default target if it names none.</summary>
    public LlvmModule Load()
    {
        var module = LlvmModule.Parse(Bitcode, Uri);
        module.SetDefaultTargetIfMissing();
        return module;
    }
}
