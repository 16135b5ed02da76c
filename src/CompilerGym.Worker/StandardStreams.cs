using System.Runtime.InteropServices;

namespace CompilerGym.Worker;

/// <summary>
/// Keeps the channel to the service clean: the worker's replies go to a private copy of stdout,
/// and file descriptor 1 itself is pointed at stderr, so anything LLVM or a library prints lands
/// in the log instead of corrupting a reply.
/// </summary>
internal static partial class StandardStreams
{
    public static Stream TakeStdout()
    {
        int channel = dup(1);
        if (channel < 0 || dup2(2, 1) < 0) throw new IOException($"could not redirect stdout (errno {Marshal.GetLastPInvokeError()})");
        Console.SetOut(Console.Error);
        return new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(channel, ownsHandle: true), FileAccess.Write, bufferSize: 0);
    }

    [LibraryImport("libc", SetLastError = true)] private static partial int dup(int fd);
    [LibraryImport("libc", SetLastError = true)] private static partial int dup2(int oldFd, int newFd);
}
