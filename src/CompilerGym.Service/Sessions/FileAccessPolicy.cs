using System.Text.RegularExpressions;
using CompilerGym.Core.Benchmarks;
using CompilerGym.Service.Hosting;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace CompilerGym.Service.Sessions;

/// <summary>
/// Whether clients may name files on the server's machine, as benchmarks or in the options of
/// custom actions (see <see cref="ServiceOptions.AllowFileBenchmarks"/>); what is refused fails
/// with PERMISSION_DENIED.
/// </summary>
public sealed partial class FileAccessPolicy(IOptions<ServiceOptions> options)
{
    private readonly bool _allowed = options.Value.AllowFileBenchmarks == true;

    /// <summary>Refuses a <c>file</c> benchmark URI unless files are allowed.</summary>
    public void CheckBenchmarkAllowed(string benchmark)
    {
        if (_allowed) return;
        BenchmarkUri uri;
        try { uri = BenchmarkUri.Parse(benchmark); }
        catch (FormatException e) { throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message)); }
        if (uri.Scheme == "file")
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"this server does not open files named by clients ({benchmark}); upload the program with AddBenchmark"));
    }

    /// <summary>
    /// Refuses custom actions that name files, unless files are allowed: an option of a pass
    /// (LLVM's <c>pass&lt;name=value&gt;</c>, MLIR's <c>pass{name=value}</c>) whose name speaks of a
    /// file or path, as every such option upstream does.
    /// </summary>
    public void CheckCustomActionsAllowed(IEnumerable<string> customActions)
    {
        if (_allowed) return;
        foreach (string action in customActions)
            if (FileOption().Match(action) is { Success: true } option)
                throw new RpcException(new Status(StatusCode.PermissionDenied,
                    $"this server does not open files named by clients: custom action '{action}' sets '{option.Groups[1].Value}'"));
    }

    [GeneratedRegex(@"[<{;,\s]([A-Za-z][\w-]*(?:file|path)[\w-]*)\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex FileOption();
}
