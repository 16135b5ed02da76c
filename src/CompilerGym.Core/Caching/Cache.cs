using System.Security.Cryptography;

namespace CompilerGym.Core.Caching;

/// <summary>
/// Where compiled benchmarks and other derived files live: $CGYM_CACHE_DIR, else
/// $XDG_CACHE_HOME/compiler-gym-dotnet, else ~/.cache/compiler-gym-dotnet. Entries are named by
/// content hash and written atomically, so concurrent processes can share it. A process that may
/// only read it (a sandboxed worker) is given a scratch folder, $CGYM_CACHE_SCRATCH_DIR, where it
/// produces what the shared cache lacks.
/// </summary>
public static class Cache
{
    public static string Root { get; } = Path.GetFullPath(
        Environment.GetEnvironmentVariable("CGYM_CACHE_DIR") is { Length: > 0 } dir ? dir
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "compiler-gym-dotnet"));

    public const string ScratchVariable = "CGYM_CACHE_SCRATCH_DIR";

    /// <summary>
    /// The folder under <see cref="Root"/> of entries built from a user's own files (their C compiled
    /// to IR), which sandboxed workers, running clients' programs, are not shown.
    /// </summary>
    public const string PrivateFolder = "private";

    /// <summary>Where new entries are written: the scratch folder if there is one, else <see cref="Root"/>.</summary>
    public static string Writable { get; } = Environment.GetEnvironmentVariable(ScratchVariable) is { Length: > 0 } scratch
        ? Path.GetFullPath(scratch) : Root;

    /// <summary>A short content hash for cache file names.</summary>
    public static string Hash(params ReadOnlySpan<string> parts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var p in parts) { sha.AppendData(System.Text.Encoding.UTF8.GetBytes(p)); sha.AppendData([0]); }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    /// <summary>Returns the cached file, producing it first with <paramref name="produce"/> (given a temporary path) if absent.</summary>
    public static string GetOrCreate(string relativePath, Action<string> produce)
    {
        string shared = Path.Combine(Root, relativePath);
        if (File.Exists(shared)) return shared;
        string path = Path.Combine(Writable, relativePath);
        if (File.Exists(path)) return path;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            produce(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
        return path;
    }

    /// <summary>Returns the cached folder, producing it first with <paramref name="produce"/> (given a temporary folder) if absent.</summary>
    public static string GetOrCreateDirectory(string relativePath, Action<string> produce)
    {
        string shared = Path.Combine(Root, relativePath);
        if (Directory.Exists(shared)) return shared;
        string path = Path.Combine(Writable, relativePath);
        if (Directory.Exists(path)) return path;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(temp);
            produce(temp);
            try { Directory.Move(temp, path); }
            catch (IOException) when (Directory.Exists(path)) { } // another process made it first
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
        return path;
    }
}
