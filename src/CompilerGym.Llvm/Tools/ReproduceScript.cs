using System.Text;

namespace CompilerGym.Llvm.Tools;

/// <summary>
/// A POSIX shell script that makes a tuned program again with the stock LLVM 22 tools, from the
/// unoptimized bitcode written beside it: opt-22 runs the pipeline, llc-22 emits the object code
/// and clang-22 links the executable, each with the flags the environments use, so that the files
/// it makes are the tuned ones. It writes into the folder given as its argument (default
/// <c>reproduced/</c> beside it), leaving the tuned files as they are.
/// </summary>
public static class ReproduceScript
{
    /// <summary>The script for the files of <paramref name="stem"/>; <paramref name="linkFlags"/> is null for a program that is not linked (a library).</summary>
    public static string Text(string program, string stem, string pipeline, string? mtriple, IReadOnlyList<string>? linkFlags)
    {
        string In(string file) => $"\"$here/{file}\"";
        string Out(string file) => $"\"$out/{file}\"";
        var script = new StringBuilder();
        // $$: single braces are the shell's.
        script.Append($$"""
            #!/bin/sh
            # {{program}} as cgym tune left it, made again with the stock LLVM 22 tools
            # from its unoptimized bitcode {{stem}}.O0.bc.
            # Usage: sh {{stem}}.reproduce.sh [OUTPUT_FOLDER]   (default: reproduced/ beside this script)
            set -eu
            here=$(cd "$(dirname "$0")" && pwd)
            out=${1:-"$here/reproduced"}
            mkdir -p "$out"
            {{LlvmTools.OptCommand(pipeline, mtriple, In(stem + ".O0.bc"), Out(stem + ".bc"))}}
            {{LlvmTools.Llc}} {{LlvmTools.LlcFlags}} {{Out(stem + ".bc")}} -o {{Out(stem + ".o")}}

            """);
        if (linkFlags is null) return script.ToString();
        string flags = string.Join("", linkFlags.Select(f => " " + LlvmTools.ShellQuote(f)));
        script.AppendLine($"{LlvmTools.Clang} {Out(stem + ".o")} -o {Out(stem)}{flags}");
        if (pipeline.Length > 0) script.Append(LtoComment(stem, pipeline, flags));
        return script.ToString();
    }

    // -Xlinker, not -Wl,: -Wl splits its argument at commas, and pipelines have them.
    private static string LtoComment(string stem, string pipeline, string flags)
    {
        string passes = $"-Xlinker {LlvmTools.ShellQuote("--lto-newpm-passes=" + pipeline)}";
        return $"""
            # An LTO build runs the same pipeline at link time instead; lld internalizes the program
            # first, so its code may differ from the tuned module's. From this bitcode:
            #   {LlvmTools.Clang} -flto -fuse-ld=lld {passes} {stem}.O0.bc -o {stem}{flags}
            # or from C sources, unoptimized as cgym compiles them (-O1 without LLVM's passes):
            #   {LlvmTools.Clang} -flto -O1 -Xclang -disable-llvm-passes -fuse-ld=lld {passes} SOURCES.c -o {stem}{flags}

            """;
    }
}
