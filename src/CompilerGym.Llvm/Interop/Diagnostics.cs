using System.Runtime.InteropServices;

namespace CompilerGym.Llvm.Interop;

/// <summary>
/// Routes LLVM's diagnostics and fatal errors to us. Without a diagnostic handler, an LLVM error
/// diagnostic (a malformed bitcode file, say) prints and calls exit(1); with ours, errors are
/// collected on the calling thread and the caller turns them into an exception.
/// </summary>
internal static class Diagnostics
{
    [ThreadStatic] private static List<string>? t_errors;
    [ThreadStatic] private static string? t_operation;

    /// <summary>Installs the process-wide fatal error handler; called once at start-up.</summary>
    public static unsafe void InstallFatalErrorHandler() => LibLlvm.LLVMInstallFatalErrorHandler(&OnFatalError);

    public static unsafe void Attach(ContextHandle context) =>
        LibLlvm.LLVMContextSetDiagnosticHandler(context, &OnDiagnostic, 0);

    /// <summary>Names what the thread is doing, so a fatal error report can say it; dispose to clear.</summary>
    public static OperationScope Operation(string description) => new(description);

    /// <summary>Errors LLVM reported on this thread since the last call, then forgets them.</summary>
    public static IReadOnlyList<string> TakeErrors()
    {
        var errors = t_errors;
        t_errors = null;
        return errors ?? (IReadOnlyList<string>)[];
    }

    [UnmanagedCallersOnly]
    private static void OnDiagnostic(nint info, nint state)
    {
        if ((DiagnosticSeverity)LibLlvm.LLVMGetDiagInfoSeverity(info) != DiagnosticSeverity.Error) return;
        (t_errors ??= []).Add(MessageHandle.Take(LibLlvm.LLVMGetDiagInfoDescription(info)));
    }

    [UnmanagedCallersOnly]
    private static void OnFatalError(nint reason)
    {
        // LLVM ends the process after this returns: say clearly what happened and where.
        string what = Marshal.PtrToStringUTF8(reason) ?? "(no reason given)";
        string where = t_operation is null ? "" : $"\n  while {t_operation}";
        Console.Error.WriteLine($"LLVM fatal error: {what}{where}");
        Console.Error.Flush();
    }

    internal readonly struct OperationScope : IDisposable
    {
        private readonly string? _previous;
        public OperationScope(string description)
        {
            _previous = t_operation;
            t_operation = _previous is null ? description : $"{_previous}\n  while {description}";
        }
        public void Dispose() => t_operation = _previous;
    }
}
