using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using CompilerGym.Llvm.Interop;

namespace CompilerGym.Llvm.Execution;

/// <summary>A Linux performance event (perf_event_attr type and config).</summary>
public sealed record PerfEvent(string Name, uint Type, ulong Config)
{
    /// <summary>CPU cycles (PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES): needs hardware counters, which many VMs lack.</summary>
    public static PerfEvent Cycles { get; } = new("cycles", 0, 0);

    /// <summary>Task clock in nanoseconds (PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK): available wherever perf_event_open is.</summary>
    public static PerfEvent TaskClock { get; } = new("task-clock", 1, 1);

    /// <summary>Why this machine cannot count the event (probed once per process), or null if it can.</summary>
    public string? Unavailable() => PerfCounter.Unavailable(this);
}

/// <summary>
/// One perf_event_open counter on a process: user-space only, enabled when the process next calls
/// exec, and inherited by its children (their counts are added when they exit).
/// </summary>
internal sealed class PerfCounter : IDisposable
{
    private const int AttrSize = 64; // PERF_ATTR_SIZE_VER0: every field used here is in it
    private const ulong Disabled = 1 << 0, Inherit = 1 << 1, ExcludeKernel = 1 << 5, ExcludeHypervisor = 1 << 6, EnableOnExec = 1 << 12;
    private static readonly ConcurrentDictionary<PerfEvent, string?> s_unavailable = new();

    private int _fd;

    private PerfCounter(int fd) => _fd = fd;

    /// <summary>Why the event cannot be counted on this machine (probed once on this process), or null if it can.</summary>
    public static string? Unavailable(PerfEvent perfEvent) => s_unavailable.GetOrAdd(perfEvent, e =>
    {
        int fd = Open(e, pid: 0, out int errno);
        if (fd < 0) return $"perf_event_open cannot count '{e.Name}' here: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
        LibC.Close(fd);
        return null;
    });

    /// <summary>Starts counting for a process that has not yet exec'd the program to measure.</summary>
    public static PerfCounter Attach(PerfEvent perfEvent, int pid)
    {
        int fd = Open(perfEvent, pid, out int errno);
        return fd >= 0 ? new PerfCounter(fd)
            : throw new InvalidOperationException($"perf_event_open for '{perfEvent.Name}' on process {pid} failed: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    public unsafe long Read()
    {
        ulong value = 0;
        if (LibC.Read(_fd, &value, sizeof(ulong)) != sizeof(ulong))
            throw new InvalidOperationException($"reading a performance counter failed: {Marshal.GetLastPInvokeErrorMessage()}");
        return checked((long)value);
    }

    public void Dispose()
    {
        if (_fd >= 0) LibC.Close(_fd);
        _fd = -1;
    }

    private static unsafe int Open(PerfEvent perfEvent, int pid, out int errno)
    {
        Span<byte> attr = stackalloc byte[AttrSize];
        attr.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(attr, perfEvent.Type);
        BinaryPrimitives.WriteUInt32LittleEndian(attr[4..], AttrSize);
        BinaryPrimitives.WriteUInt64LittleEndian(attr[8..], perfEvent.Config);
        BinaryPrimitives.WriteUInt64LittleEndian(attr[40..], Disabled | Inherit | ExcludeKernel | ExcludeHypervisor | EnableOnExec);
        int fd;
        fixed (byte* p = attr) fd = LibC.PerfEventOpen(p, pid, cpu: -1, groupFd: -1, flags: 0);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }
}
