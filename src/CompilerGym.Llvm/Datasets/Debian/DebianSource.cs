using CompilerGym.Core.Caching;
using CompilerGym.Llvm.Tools;

namespace CompilerGym.Llvm.Datasets.Debian;

/// <summary>
/// Source packages from Debian's archive, fetched with apt-get through a private configuration (a
/// deb-src list of bookworm main in a temporary folder), never the system's sources. The
/// downloaded files (.dsc and tarballs) are cached, so later builds need no network.
/// </summary>
public static class DebianSource
{
    private const string Archive = "http://deb.debian.org/debian";
    private const string Suite = "bookworm";
    private const string Keyring = "/usr/share/keyrings/debian-archive-keyring.gpg";
    private static readonly TimeSpan s_aptTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The cached folder holding the package's .dsc and tarballs, downloading them first if absent.</summary>
    public static string Fetch(DebianPackage package, Action<string> log) =>
        Cache.GetOrCreateDirectory(Path.Combine("debian", "sources", $"{package.Name}_{package.FileVersion}"), folder =>
        {
            log($"downloading source package {package.Name} {package.Version} from {Archive} ({Suite})");
            string apt = Directory.CreateTempSubdirectory("cgym-apt-").FullName;
            try
            {
                string[] options = PrivateConfiguration(apt);
                Apt([.. options, "update"], apt, $"apt-get update (deb-src {Archive} {Suite} main)");
                Apt([.. options, "source", "--download-only", $"{package.Name}={package.Version}"], folder,
                    $"apt-get source {package.Name}={package.Version} (a pinned version leaves the archive when Debian replaces it)");
            }
            finally { Directory.Delete(apt, recursive: true); }
        });

    /// <summary>Unpacks a fetched package (with Debian's patches applied) into <paramref name="destination"/>, which must not exist.</summary>
    public static void Unpack(DebianPackage package, string sourceFolder, string destination)
    {
        string dsc = Path.Combine(sourceFolder, $"{package.Name}_{package.FileVersion}.dsc");
        // --no-check: the .dsc was checked by apt against the archive's signed index when it was downloaded.
        var result = ProcessRunner.Run("dpkg-source", ["--no-check", "-x", dsc, destination], TimeSpan.FromMinutes(10));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"dpkg-source could not unpack {dsc}:\n{result.Stderr.Trim()}{result.Stdout.Trim()}");
    }

    private static string[] PrivateConfiguration(string folder)
    {
        string sources = Directory.CreateDirectory(Path.Combine(folder, "sources.list.d")).FullName;
        File.WriteAllText(Path.Combine(sources, "debian-src.sources"),
            $"Types: deb-src\nURIs: {Archive}\nSuites: {Suite}\nComponents: main\nSigned-By: {Keyring}\n");
        foreach (var d in new[] { "lists/partial", "cache/archives/partial" }) Directory.CreateDirectory(Path.Combine(folder, d));
        return
        [
            "-o", "Dir::Etc::SourceList=/dev/null", "-o", $"Dir::Etc::SourceParts={sources}",
            "-o", $"Dir::State::Lists={Path.Combine(folder, "lists")}", "-o", $"Dir::Cache={Path.Combine(folder, "cache")}",
            // The private folders belong to the caller; apt's download user could not write to them.
            "-o", "APT::Sandbox::User=" + Environment.UserName, "-q",
        ];
    }

    private static void Apt(string[] arguments, string workingDirectory, string what)
    {
        var result = ProcessRunner.Run("apt-get", arguments, s_aptTimeout, workingDirectory);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{what} failed (exit {result.ExitCode}):\n{Tail(result.Stderr + result.Stdout, 20)}");
    }

    internal static string Tail(string text, int lines) =>
        string.Join('\n', text.TrimEnd().Split('\n').TakeLast(lines));
}
