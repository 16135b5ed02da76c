using System.Runtime.InteropServices;

namespace CompilerGym.Agents.Policies;

/// <summary>
/// Makes LibTorch's results repeat bit for bit within and across processes. Its matrix products
/// run in Intel MKL, whose fastest kernels sum in an order that depends on how the operands are
/// aligned in memory, so two runs of one seed drift apart in the last bits and, over a long run,
/// in the actions they sample. MKL_CBWR=COMPATIBLE (MKL's conditional numerical reproducibility)
/// fixes the order. MKL reads it at its first call, so it must be set before any tensor work;
/// a value the user set is kept. .NET's Environment.SetEnvironmentVariable does not reach native
/// code on Linux, hence setenv.
/// </summary>
public static partial class TorchReproducibility
{
    public static void Ensure()
    {
        if (setenv("MKL_CBWR", "COMPATIBLE", overwrite: 0) != 0)
            throw new InvalidOperationException($"setenv failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
