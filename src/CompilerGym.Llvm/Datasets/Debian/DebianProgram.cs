namespace CompilerGym.Llvm.Datasets.Debian;

/// <summary>
/// A Debian bookworm source package at one version, and the bash script that builds its programs in
/// the unpacked source folder with the compiler, flags and tools DebianBuild puts in the
/// environment (CC, CXX, CFLAGS, LDFLAGS, AR, RANLIB, JOBS).
/// </summary>
public sealed record DebianPackage(string Name, string Version, string BuildScript)
{
    /// <summary>The version without its epoch, as the package's file names spell it.</summary>
    public string FileVersion => Version[(Version.IndexOf(':') + 1)..];
}

/// <summary>An input file of a run: its name in the run's folder and the bytes it holds.</summary>
public sealed record InputFile(string Name, Func<byte[]> Contents);

/// <summary>Other bytes under the input files' names, which validation runs the program on too, and what they are.</summary>
public sealed record SecondInput(string Description, IReadOnlyList<InputFile> Files);

/// <summary>
/// One program of debian-v0: where it comes from and how it runs. <see cref="BuiltFile"/> is the
/// executable the package's build links (its whole-program module is the benchmark), and
/// <see cref="LibraryFunction"/> a function of the package's library that module must define, which
/// shows the library was linked in statically. A run happens in a scratch folder holding
/// <see cref="InputFiles"/>: the executable is called with <see cref="Arguments"/>, given the input
/// file named by <see cref="Stdin"/> (if any) on standard input; its standard output and the
/// <see cref="OutputFiles"/> it writes are the result to compare. Validation also runs the same
/// command on <see cref="SecondInput"/>, so that a program tuned on one input is checked on another.
/// An executable made from the module needs <see cref="LinkFlags"/> beside the C library.
/// </summary>
public sealed record DebianProgram(
    string Name,
    DebianPackage Package,
    string BuiltFile,
    string LibraryFunction,
    string InputDescription,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<InputFile> InputFiles)
{
    public string? Stdin { get; init; }
    public IReadOnlyList<string> OutputFiles { get; init; } = [];
    public IReadOnlyList<string> LinkFlags { get; init; } = [];
    public required SecondInput SecondInput { get; init; }

    public string Uri => $"benchmark://{DebianDataset.DatasetName}/{Name}";

    public string Description => $"{Name} from Debian source package {Package.Name} {Package.Version}: {InputDescription}; also validated on {SecondInput.Description}";
}
