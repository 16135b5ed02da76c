using System.Runtime.InteropServices;

namespace CompilerGym.Llvm.Interop;

/// <summary>The few C library calls the program runner needs: resource limits, signalling a process group, Linux performance counters.</summary>
internal static partial class LibC
{
    private const string Lib = "libc";

    public const int SigKill = 9;
    public const int RlimitCpu = 0, RlimitFsize = 1, RlimitCore = 4, RlimitAs = 9;
    private const long SysPerfEventOpen = 298; // x86-64

    /// <summary>struct rlimit: the soft and the hard limit.</summary>
    internal readonly record struct RLimit(ulong Soft, ulong Hard);

    /// <summary>prlimit(2): sets a resource limit of another process (one of ours, same user).</summary>
    [LibraryImport(Lib, EntryPoint = "prlimit", SetLastError = true)]
    internal static unsafe partial int Prlimit(int pid, int resource, RLimit* newLimit, RLimit* oldLimit);

    /// <summary>kill(2); a negative pid signals the whole process group.</summary>
    [LibraryImport(Lib, EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);

    /// <summary>perf_event_open(2), which has no libc wrapper (glibc's syscall() only moves registers, so a fixed signature is sound).</summary>
    internal static unsafe int PerfEventOpen(byte* attributes, int pid, int cpu, int groupFd, ulong flags) =>
        (int)Syscall(SysPerfEventOpen, attributes, pid, cpu, groupFd, flags);

    [LibraryImport(Lib, EntryPoint = "syscall", SetLastError = true)]
    private static unsafe partial long Syscall(long number, byte* attributes, int pid, int cpu, int groupFd, ulong flags);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    internal static unsafe partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "close")]
    internal static partial int Close(int fd);
}
