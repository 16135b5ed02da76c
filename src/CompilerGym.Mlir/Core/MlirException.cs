namespace CompilerGym.Mlir.Core;

/// <summary>MLIR rejected something (a malformed module, a pipeline, a transformation); the message carries its diagnostics.</summary>
public class MlirException(string message) : Exception(message);

/// <summary>An action that does not apply to the program in its current state; the program is left as it was.</summary>
public sealed class InapplicableActionException(string message) : MlirException(message);
