namespace CompilerGym.Cli.Tuning;

/// <summary>
/// The outcome of tuning one program for one cost with one search, as stored and reported.
/// <paramref name="Oz"/> and <paramref name="O3"/> are null for a cost with no such baselines;
/// <paramref name="O0"/> is then the cost before the search. For an mlir-v0 kernel, O0 is the
/// untransformed kernel's cost and Oz the default lowering's (the reference); its files are the
/// transformed kernel (.mlir) and its lowered LLVM IR (.ll) where a program has its bitcode and
/// object file. Files are named relative to the output folder.
/// Its provenance: the compiler that ran the passes (<paramref name="CompilerVersion"/>, <c>LLVM 22.1.8</c>;
/// null in rows of a store from before it was recorded), the target, and the tools and flags that build
/// it; where the environment writes them, the unoptimized input, the script that makes the result again
/// with stock tools, and the executable (null for a program that does not link, such as a library).
/// </summary>
internal sealed record TuneRecord(
    string Program,
    string InputHash,
    string Cost,
    string Search,
    string Settings,
    double O0,
    double? Oz,
    double? O3,
    double Best,
    string Pipeline,
    string Commandline,
    IReadOnlyList<string> Actions,
    int Evaluations,
    double Seconds,
    bool Valid,
    string Validation,
    string BitcodeFile,
    string ObjectFile,
    DateTimeOffset FinishedAt,
    string? CompilerVersion,
    string? Target,
    string Toolchain,
    string? InputFile,
    string? ScriptFile,
    string? ExecutableFile)
{
    /// <summary>The best cost divided by -Oz's (the reference's): below 1 beats it.</summary>
    public double? VersusOz => Oz is > 0 ? Best / Oz : null;

    /// <summary>What the Oz baseline is for this program, as reports name it (its environment's reference).</summary>
    public string ReferenceName => Commands.CommonOptions.Registry.For(Program).ReferenceName;
}
