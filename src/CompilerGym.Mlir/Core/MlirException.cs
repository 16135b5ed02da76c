using CompilerGym.Core.Envs;

namespace CompilerGym.Mlir.Core;

/// <summary>MLIR rejected something (a malformed module, a pipeline, a transformation); the message carries its diagnostics.</summary>
public class MlirException(string message) : CompilerException(message);
