using CompilerGym.Core.Caching;
using CompilerGym.Service.Workers;

namespace CompilerGym.Service.Sandboxing;

/// <summary>
/// Confines a worker, and with it every compiler and program the worker starts, with bubblewrap
/// (Debian's <c>bubblewrap</c>): new mount, process, network, IPC and host-name namespaces; a
/// read-only view of the system's programs and libraries (<c>/usr</c>), the worker's own files, the
/// benchmark cache and the paths a session may name; a private temporary folder, the only place it
/// can write; no network, not even loopback. Under a root service it runs as the user nobody,
/// without capabilities. It sees no <c>/etc</c> (but the loader's cache), no home folder and none of
/// the server's other files; when the worker ends, every process it started ends with it.
/// </summary>
public sealed class Sandbox
{
    public const string Bubblewrap = "/usr/bin/bwrap";
    // As root, bubblewrap makes the namespaces without a user namespace (a user namespace would map
    // the sandbox's user back to root); setpriv (util-linux) then becomes nobody inside them.
    private const string SetPriv = "/usr/bin/setpriv";
    private const string Nobody = "65534";
    private const string Temp = "/tmp";
    // Entries the worker needs that the shared cache lacks are produced in its own temporary folder.
    private const string Scratch = "/tmp/cache";

    private readonly string[] _view;
    private readonly string[] _hidden;
    private readonly long _tempBytes;
    private readonly bool _asRoot = System.Environment.IsPrivilegedProcess;

    /// <param name="view">Paths every confined worker may read (besides /usr).</param>
    /// <param name="hidden">Existing folders inside the view that it is not shown (an empty one is in their place).</param>
    /// <param name="tempBytes">The size of the private temporary folder, which lives in memory.</param>
    public Sandbox(IEnumerable<string> view, IEnumerable<string> hidden, long tempBytes)
    {
        _view = [.. view];
        _hidden = [.. hidden];
        _tempBytes = tempBytes;
    }

    /// <summary>Throws an InvalidOperationException saying what to do when bubblewrap is missing.</summary>
    public static void CheckInstalled()
    {
        if (!File.Exists(Bubblewrap))
            throw new InvalidOperationException($"the sandbox for client programs needs bubblewrap ({Bubblewrap}: apt-get install bubblewrap); " +
                "Service:Sandbox=false runs them unconfined, as the service's own user");
    }

    /// <summary>
    /// Throws an InvalidOperationException if the sandbox's user could not read <paramref name="folder"/>:
    /// under a root service that is nobody, who needs the folder readable by others.
    /// </summary>
    public void CheckReadable(string folder)
    {
        const UnixFileMode others = UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        if (_asRoot && !OperatingSystem.IsWindows() && (File.GetUnixFileMode(folder) & others) != others)
            throw new InvalidOperationException($"sandboxed workers run as nobody, who cannot read {folder}: make it readable by others " +
                "(chmod o+rx), or choose another folder");
    }

    /// <summary><paramref name="launch"/> inside the sandbox, which can also read <paramref name="readable"/>.</summary>
    public WorkerLaunch Confine(WorkerLaunch launch, IEnumerable<string> readable)
    {
        var args = new List<string>
        {
            "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
            // Not --die-with-parent: the kernel would signal at the exit of the thread that started
            // the worker, not of the service. A worker whose service is gone reads the end of its input and exits.
            // Not --new-session: a session of its own is a scheduling group of its own, which cost
            // each remote step about 70 µs here; the programs a worker runs get their own session (setsid).
            "--clearenv",
            "--ro-bind", "/usr", "/usr",
        };
        if (!_asRoot) args.Add("--unshare-user");
        else args.AddRange(["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]);
        // Merged-/usr systems link these into /usr; others have them as folders.
        foreach (string top in new[] { "/bin", "/sbin", "/lib", "/lib32", "/lib64" })
        {
            var info = new FileInfo(top);
            if (info.LinkTarget is { } target) args.AddRange(["--symlink", target, top]);
            else if (Directory.Exists(top)) args.AddRange(["--ro-bind", top, top]);
        }
        // The loader's cache, and the alternatives behind /usr/bin's generic names (cc, ld).
        args.AddRange(["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache", "--ro-bind-try", "/etc/alternatives", "/etc/alternatives"]);
        // The processors' description: the .NET runtime sizes its heap by their caches.
        args.AddRange(["--ro-bind-try", "/sys/devices/system/cpu", "/sys/devices/system/cpu"]);
        // The temporary folder first: a path to read may lie inside it (a test's folder under /tmp).
        args.AddRange(["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--size", _tempBytes.ToString(), "--tmpfs", Temp, "--chdir", Temp]);
        foreach (string path in Outermost(launch.Readable.Concat(_view).Concat(readable).Where(Path.Exists)))
        {
            // Folders bubblewrap makes on the way take the host's modes (/root's 0700 would hide the
            // cache from nobody); readable ones are made first.
            foreach (string parent in Ancestors(path)) args.AddRange(["--perms", "0755", "--dir", parent]);
            args.AddRange(["--ro-bind", path, path]);
        }
        foreach (string path in _hidden) args.AddRange(["--perms", "0555", "--tmpfs", path]);
        foreach (var (name, value) in Variables())
            args.AddRange(["--setenv", name, value]);
        if (_asRoot)
            args.AddRange([SetPriv, $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]);
        return new WorkerLaunch(Bubblewrap, [.. args, launch.FileName, .. launch.Arguments], [.. launch.Readable, .. readable], Confined: true);
    }

    // The worker's environment, and nothing else of the service's (which may hold its token).
    private static IEnumerable<(string Name, string Value)> Variables()
    {
        yield return ("PATH", "/usr/bin:/bin");
        yield return ("HOME", Temp);
        yield return ("TMPDIR", Temp);
        yield return ("LANG", "C.UTF-8");
        yield return ("CGYM_CACHE_DIR", Cache.Root);
        yield return (Cache.ScratchVariable, Scratch);
        foreach (System.Collections.DictionaryEntry variable in System.Environment.GetEnvironmentVariables())
            if (variable.Key is string name && name.StartsWith("DOTNET_", StringComparison.Ordinal) && variable.Value is string value)
                yield return (name, value);
    }

    // Full paths, without those inside /usr or inside another path of the list (already visible).
    private static List<string> Outermost(IEnumerable<string> paths)
    {
        var outermost = new List<string>();
        foreach (string path in paths.Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p))).Distinct().OrderBy(p => p.Length))
            if (!outermost.Append("/usr").Any(o => path == o || path.StartsWith(o + "/", StringComparison.Ordinal)))
                outermost.Add(path);
        return outermost;
    }

    private static IEnumerable<string> Ancestors(string path)
    {
        var parents = new Stack<string>();
        for (string? parent = Path.GetDirectoryName(path); parent is not (null or "/" or Temp); parent = Path.GetDirectoryName(parent))
            parents.Push(parent);
        return parents;
    }
}
