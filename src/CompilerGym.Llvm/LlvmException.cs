namespace CompilerGym.Llvm;

/// <summary>LLVM refused something (a malformed module, an unknown pass, a failed emission); the message is LLVM's own.</summary>
public sealed class LlvmException(string message) : Exception(message);
