namespace CompilerGym.Core.Envs;

/// <summary>
/// A compiler refused something a user gave (a malformed module or kernel, an unknown pass, C that
/// does not compile); the message is the compiler's own. Each environment's errors derive from it,
/// so hosts report them as the user's error without knowing the environment.
/// </summary>
public class CompilerException(string message) : Exception(message);
