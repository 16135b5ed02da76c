using System.Reflection;

namespace CompilerGym.Llvm.Programs;

/// <summary>The files embedded in this assembly, named by folder: <c>Builtin/NAME.c</c>, <c>DebianInputs/NAME</c>.</summary>
public static class ProgramFiles
{
    private static readonly Assembly s_assembly = typeof(ProgramFiles).Assembly;

    public static IEnumerable<string> Names => s_assembly.GetManifestResourceNames();

    /// <summary>The named file, or null if there is none.</summary>
    public static Stream? Open(string name) => s_assembly.GetManifestResourceStream(name);
}
