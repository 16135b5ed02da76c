using System.Reflection;
using System.Text.RegularExpressions;
using CompilerGym.Cli.Tests;
using CompilerGym.Service.Hosting;

namespace CompilerGym.Service.Cluster.Tests;

/// <summary>
/// The container image and the Kubernetes manifest, which cannot run here, against the code they
/// configure: a renamed setting or option, or another service id, fails here rather than in a cluster.
/// </summary>
public partial class DeploymentTests
{
    private static readonly string s_folder = Path.Combine(RepositoryRoot(), "src", "CompilerGym.Service.Cluster", "Deployment");
    private static readonly string[] s_files = ["Dockerfile", "kubernetes.yaml"];

    // The configuration's sections, as environment variables name them (CGYM_Section__Name).
    private static readonly Dictionary<string, Type> s_sections = new()
    {
        [ServiceOptions.Section] = typeof(ServiceOptions),
        [ClusterSettings.Section] = typeof(ClusterSettings),
    };

    [Fact]
    public void Every_setting_they_set_is_a_setting_of_the_service()
    {
        var variables = s_files.SelectMany(file => Setting().Matches(Read(file)).Select(m => (File: file, Section: m.Groups[1].Value, Name: m.Groups[2].Value))).ToList();
        Assert.Contains(variables, v => v is { Section: ClusterSettings.Section, Name: nameof(ClusterSettings.Redis) });
        foreach (var (file, section, name) in variables)
        {
            Assert.True(s_sections.TryGetValue(section, out var type), $"{file}: CGYM_{section}__{name}: no section {section}");
            var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
            Assert.True(property?.SetMethod?.IsPublic == true, $"{file}: CGYM_{section}__{name}: {type.Name} has no settable {name}");
        }
    }

    [Fact]
    public void Every_serve_option_they_use_is_an_option_of_cgym_serve()
    {
        var help = CgymProcess.Run("serve", "--help");
        Assert.True(help.ExitCode == 0, help.Stderr);
        var known = Option().Matches(help.Stdout).Select(m => m.Value).ToHashSet();
        // The options after `serve` on the lines that run it (the image's entry point, the manifest's comment on it).
        var used = s_files.SelectMany(file => Read(file).Split('\n').Where(line => ServeCall().IsMatch(line))
            .SelectMany(line => Option().Matches(ServeCall().Split(line, 2)[1]).Select(m => (File: file, Option: m.Value)))).ToList();
        Assert.Contains(used, u => u is { File: "Dockerfile", Option: "--token-file" });
        foreach (var (file, option) in used) Assert.True(known.Contains(option), $"{file}: cgym serve has no option {option}");
    }

    [Fact]
    public void The_pods_orleans_labels_are_the_silos_service_and_cluster_ids()
    {
        string manifest = Read("kubernetes.yaml");
        Assert.Equal(ClusterHost.ServiceId, Label(manifest, "orleans/serviceId"));
        var clusterId = Regex.Match(manifest, @"- name: CGYM_Cluster__ClusterId\s+value: (\S+)");
        Assert.True(clusterId.Success, "the manifest sets no CGYM_Cluster__ClusterId");
        Assert.Equal(clusterId.Groups[1].Value, Label(manifest, "orleans/clusterId"));
    }

    private static string Label(string manifest, string name)
    {
        var label = Regex.Match(manifest, $@"^\s*{Regex.Escape(name)}: (\S+)\s*$", RegexOptions.Multiline);
        Assert.True(label.Success, $"the manifest has no label {name}");
        return label.Groups[1].Value;
    }

    private static string Read(string file) => File.ReadAllText(Path.Combine(s_folder, file));

    private static string RepositoryRoot()
    {
        string folder = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(folder, "CompilerGym.sln")))
            folder = Path.GetDirectoryName(folder) ?? throw new DirectoryNotFoundException("no CompilerGym.sln above the test folder");
        return folder;
    }

    [GeneratedRegex(@"\bCGYM_([A-Za-z]+)__([A-Za-z]+)")]
    private static partial Regex Setting();

    [GeneratedRegex(@"--[a-z][a-z-]*")]
    private static partial Regex Option();

    // `serve` as a word or a JSON string of a command line.
    [GeneratedRegex(@"(?<![\w-])""?serve""?(?![\w-])")]
    private static partial Regex ServeCall();
}
