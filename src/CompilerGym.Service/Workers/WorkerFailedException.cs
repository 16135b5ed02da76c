namespace CompilerGym.Service.Workers;

/// <summary>Why a worker process ended in the middle of a request.</summary>
public enum WorkerFailure
{
    /// <summary>It died: a fatal LLVM error, a segmentation fault, an abort.</summary>
    Crashed,
    /// <summary>It ran past the request's time limit and was stopped.</summary>
    TimedOut,
    /// <summary>It passed the memory limit and was stopped.</summary>
    OutOfMemory,
    /// <summary>The request's client cancelled it, or its deadline passed: it was stopped.</summary>
    Cancelled,
    /// <summary>
    /// It had stopped before the request was sent: in a request for another of its sessions, or
    /// while idle. The request itself is not to blame.
    /// </summary>
    Gone,
}

/// <summary>The worker is gone; <see cref="Detail"/> says how (exit status, the end of its error output).</summary>
public sealed class WorkerFailedException(WorkerFailure failure, string detail)
    : Exception($"worker {failure}: {detail}")
{
    public WorkerFailure Failure { get; } = failure;
    public string Detail { get; } = detail;
}
