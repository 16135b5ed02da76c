namespace CompilerGym.Llvm.Tools;

/// <summary>The LLVM 22 command-line tools from Debian, and how the project calls them.</summary>
public static class LlvmTools
{
    public const string Clang = "clang-22";
    public const string Opt = "opt-22";
    public const string Link = "llvm-link-22";
    public const string Llc = "llc-22";

    /// <summary>
    /// What opt-22 needs to transform as the environments do: their target machine makes
    /// position-independent code, and target-dependent passes (loop-reduce, for one) decide by it.
    /// </summary>
    public const string OptTargetFlags = "--relocation-model=pic";

    /// <summary>
    /// What llc-22 needs to emit the object code the environments emit: their target machine's
    /// code generation level (default, llc's -O2) and position-independent code.
    /// </summary>
    public const string LlcFlags = "-O2 --relocation-model=pic -filetype=obj";

    /// <summary>
    /// The opt-22 command that runs a pipeline as the environments do; <paramref name="mtriple"/> is
    /// the target for a module that names none (opt-22 would use none), null for one that does.
    /// <paramref name="input"/> and <paramref name="output"/> are shell words, quoted by the caller.
    /// </summary>
    public static string OptCommand(string pipeline, string? mtriple, string input, string output)
    {
        string passes = pipeline.Length == 0 ? "" : $"-passes={ShellQuote(pipeline)} ";
        string triple = mtriple is null ? "" : $"-mtriple={mtriple} ";
        return $"{Opt} {triple}{passes}{OptTargetFlags} {input} -o {output}";
    }

    /// <summary>
    /// Flags that make unoptimized but optimizable IR: -O1 with LLVM's passes disabled. (-O0 would
    /// mark every function optnone/noinline, and the optimizer would then ignore them.)
    /// </summary>
    public static readonly IReadOnlyList<string> UnoptimizedIrFlags = ["-O1", "-Xclang", "-disable-llvm-passes", "-emit-llvm", "-g0"];

    /// <summary>
    /// The flags compiling C to unoptimized IR for a target (a normalized triple; null: clang's
    /// default, x86-64 Linux). They are part of every compiled benchmark's cache key, so a program
    /// is cached once per target. Another target's C library headers come from Debian's
    /// <c>libc6-dev-ARCH-cross</c>, in <c>/usr/ARCH-linux-gnu</c>, which serves as the sysroot.
    /// </summary>
    public static IReadOnlyList<string> UnoptimizedIrFlagsFor(string? target)
    {
        if (target is null) return UnoptimizedIrFlags;
        string[] parts = target.Split('-');
        // Debian names the folder by the triple without its vendor (aarch64-unknown-linux-gnu: /usr/aarch64-linux-gnu).
        string sysroot = $"/usr/{(parts.Length == 4 ? $"{parts[0]}-{parts[2]}-{parts[3]}" : target)}";
        if (!Directory.Exists(Path.Combine(sysroot, "include")))
            throw new LlvmException($"no C library headers for {target} in {sysroot}/include: C programs are compiled for " +
                $"another target with that target's headers (for aarch64 and riscv64, Debian's libc6-dev-arm64-cross and libc6-dev-riscv64-cross)");
        return [.. UnoptimizedIrFlags, $"--target={target}", $"--sysroot={sysroot}"];
    }

    /// <summary>
    /// Compiles C to unoptimized bitcode for a target (see <see cref="UnoptimizedIrFlagsFor"/>); a
    /// compile error becomes an exception with clang's message. Without a working directory it
    /// compiles from the source's folder by file name, so that the module's source_filename does not
    /// depend on where a temporary copy happened to be.
    /// </summary>
    public static void CompileC(string source, string output, string? target, IEnumerable<string>? extraFlags = null, string? workingDirectory = null)
    {
        if (workingDirectory is null)
        {
            source = Path.GetFullPath(source);
            workingDirectory = Path.GetDirectoryName(source);
            source = Path.GetFileName(source);
        }
        var result = ProcessRunner.Run(Clang, [.. UnoptimizedIrFlagsFor(target), .. extraFlags ?? [], "-c", source, "-o", Path.GetFullPath(output)],
            TimeSpan.FromMinutes(5), workingDirectory);
        if (result.ExitCode != 0)
            throw new LlvmException($"clang-22 could not compile {source}:\n{result.Stderr.Trim()}");
    }

    /// <summary>
    /// Refuses a C file that would read any file but itself, the system's headers (under /usr) and
    /// those under <paramref name="headerFolder"/> (none when null): by <c>#include</c> or
    /// <c>#embed</c>, however the name is spelled (an absolute path, "..", a macro). Clang lists what
    /// the preprocessor reads; nothing is compiled unless the list passes. A second wall: the service
    /// also compiles clients' programs in a sandbox.
    /// </summary>
    public static void CheckReads(string source, string? target, string? headerFolder)
    {
        source = Path.GetFullPath(source);
        var result = ProcessRunner.Run(Clang, [.. UnoptimizedIrFlagsFor(target), "-M", "-MT", "program", Path.GetFileName(source)],
            TimeSpan.FromMinutes(1), Path.GetDirectoryName(source));
        if (result.ExitCode != 0)
            throw new LlvmException($"clang-22 could not compile {Path.GetFileName(source)}:\n{result.Stderr.Trim()}");
        string folder = headerFolder is null ? "" : Path.TrimEndingDirectorySeparator(Path.GetFullPath(headerFolder)) + "/";
        foreach (string read in DependencyList(result.Stdout).Skip(1)) // the first is the rule's target
        {
            string path = Path.GetFullPath(read, Path.GetDirectoryName(source)!);
            if (path != source && !path.StartsWith("/usr/", StringComparison.Ordinal) && (folder.Length == 0 || !path.StartsWith(folder, StringComparison.Ordinal)))
                throw new LlvmException($"{Path.GetFileName(source)} reads {read}: a program may include the system's headers{(folder.Length > 0 ? $" and those under {headerFolder}" : "")}, no other file");
        }
    }

    // Make's syntax, as clang -M writes it: words split by blanks, lines continued by '\', blanks in a name escaped by '\'.
    private static IEnumerable<string> DependencyList(string rule)
    {
        var word = new System.Text.StringBuilder();
        for (int i = 0; i < rule.Length; i++)
        {
            char c = rule[i];
            if (c == '\\' && i + 1 < rule.Length && rule[i + 1] is ' ' or '\n' or '\\' or '#')
            {
                if (rule[++i] != '\n') word.Append(rule[i]);
                continue;
            }
            if (char.IsWhiteSpace(c) || c == ':' && word.Length > 0 && (i + 1 == rule.Length || char.IsWhiteSpace(rule[i + 1])))
            {
                if (word.Length > 0) yield return word.ToString();
                word.Clear();
                continue;
            }
            word.Append(c);
        }
        if (word.Length > 0) yield return word.ToString();
    }

    /// <summary>Links bitcode files into one module.</summary>
    public static void LinkBitcode(IEnumerable<string> inputs, string output)
    {
        var result = ProcessRunner.Run(Link, [.. inputs, "-o", output], TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
            throw new LlvmException($"llvm-link-22 could not link the program into one module:\n{result.Stderr.Trim()}");
    }

    /// <summary>Links an object file into an executable with clang-22 (the C runtime and libc, plus <paramref name="flags"/> such as <c>-lm</c>).</summary>
    public static void LinkExecutable(string objectFile, string output, IEnumerable<string> flags)
    {
        var result = ProcessRunner.Run(Clang, [objectFile, "-o", output, .. flags], TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
            throw new LlvmException($"clang-22 could not link the program:\n{result.Stderr.Trim()}");
    }

    /// <summary>Quotes a word for a POSIX shell command line.</summary>
    public static string ShellQuote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
