using CompilerGym.Core.Envs;

namespace CompilerGym.Llvm;

/// <summary>LLVM or its tools refused something (a malformed module, an unknown pass, a failed emission, C that does not compile); the message is their own.</summary>
public sealed class LlvmException(string message) : CompilerException(message);
