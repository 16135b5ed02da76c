namespace CompilerGym.Llvm;

/// <summary>
/// An observation that cannot be computed for this benchmark, state or machine: a program that
/// cannot be built or run (no <c>main</c>, over its time limit, crashing), or a hardware counter
/// the machine does not have. The message says which and why.
/// </summary>
public sealed class ObservationUnavailableException(string message) : InvalidOperationException(message);
