using System.Text.RegularExpressions;
using CompilerGym.Core.Benchmarks;
using CompilerGym.Service.Hosting;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace CompilerGym.Service.Sessions;

/// <summary>
/// Whether clients may name files on the server's machine, as benchmarks or in the options of
/// custom actions (see <see cref="ServiceOptions.AllowFileBenchmarks"/>); what is refused fails
/// with PERMISSION_DENIED. What is allowed is made readable to the session's sandboxed worker.
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
    /// <remarks>
    /// Passes that write files (LLVM's <c>dot-*</c> and <c>view-*</c>, which write one per function,
    /// named after it) are refused too: inside the sandbox they could only fill its temporary folder.
    /// </remarks>
    public void CheckCustomActionsAllowed(IEnumerable<string> customActions)
    {
        if (_allowed) return;
        foreach (string action in customActions)
        {
            if (FileOption().Match(action) is { Success: true } option)
                throw new RpcException(new Status(StatusCode.PermissionDenied,
                    $"this server does not open files named by clients: custom action '{action}' sets '{option.Groups[1].Value}'"));
            if (FileWritingPass().Match(action) is { Success: true } pass)
                throw new RpcException(new Status(StatusCode.PermissionDenied,
                    $"this server does not run passes that write files: custom action '{action}' runs '{pass.Groups[1].Value}'"));
        }
    }

    /// <summary>
    /// The paths a session's worker must read: the folder of a <c>file</c> benchmark (its headers
    /// beside it), or the benchmark's folder, and the files custom actions name; none unless files are allowed.
    /// </summary>
    public IReadOnlyCollection<string> ReadablePaths(string benchmark, IEnumerable<string> customActions)
    {
        if (!_allowed) return [];
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        if (ParsedOrNull(benchmark) is { Scheme: "file" } uri)
        {
            string path = Path.GetFullPath(uri.Name.Split('?')[0]);
            string folder = Directory.Exists(path) ? path : Path.GetDirectoryName(path)!;
            // The root folder would show the sandbox everything: a file there is shown alone.
            if (path == "/") throw new RpcException(new Status(StatusCode.InvalidArgument, "the root folder is not a benchmark; name a program's file or folder"));
            paths.Add(folder == "/" ? path : folder);
        }
        foreach (string action in customActions)
            foreach (Match option in FileOption().Matches(action))
                if (option.Groups[2].Value is { Length: > 0 } named && Path.IsPathRooted(named)) paths.Add(Path.GetFullPath(named));
        return paths;
    }

    private static BenchmarkUri? ParsedOrNull(string benchmark)
    {
        try { return BenchmarkUri.Parse(benchmark); }
        catch (ArgumentException) { return null; }
        catch (FormatException) { return null; }
    }

    [GeneratedRegex(@"[<{;,\s]([A-Za-z][\w-]*(?:file|path)[\w-]*)\s*=\s*([^>};,\s]*)", RegexOptions.IgnoreCase)]
    private static partial Regex FileOption();

    [GeneratedRegex(@"(?:^|[(<{;,\s])((?:dot|view)-[\w-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex FileWritingPass();
}
