using System.CommandLine;
using CompilerGym.Core.Benchmarks;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;
using CompilerGym.Core.Spaces;
using CompilerGym.Environments;
using Spectre.Console;

namespace CompilerGym.Cli.Commands;

/// <summary>Options several commands share, and the one place errors become exit codes.</summary>
internal static class CommonOptions
{
    public const string DefaultBenchmark = "benchmark://builtin-v0/crc32";

    public static Option<string> Benchmark() => new("--benchmark", "-b")
    {
        Description = "Benchmark URI (benchmark://builtin-v0/NAME, generator://csmith-v0/SEED, file:///path to a .c/.ll/.bc file, a folder of C files or a compile_commands.json) or a path",
        DefaultValueFactory = _ => DefaultBenchmark,
    };

    /// <summary>The action space; null means the environment's default (llvm-22-passes on llvm-v0).</summary>
    public static Option<string?> ActionSpace() => new("--action-space") { Description = "Action space name (default: the environment's, llvm-22-passes for programs)" };

    /// <summary>Refuses, before any work, a value below <paramref name="least"/> (or equal to it, with <paramref name="above"/>).</summary>
    public static Option<T> AtLeast<T>(this Option<T> option, double least, bool above = false)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<T>() is not { } value) return;
            double given = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
            if (given < least || above && given == least)
                result.AddError($"{option.Name} must be {(above ? "above" : "at least")} {least}, not {given}");
        });
        return option;
    }

    /// <summary>The environments every command consults.</summary>
    public static EnvRegistry Registry => Registrations.Default;

    public static Option<string> Actions() => new("--actions", "-a")
    {
        Description = "Actions by name or id, separated by commas or spaces; 'all' for every action of the space in order",
        DefaultValueFactory = _ => "",
    };

    /// <summary>The server to run environments on; by default CGYM_REMOTE, else in this process.</summary>
    public static Option<string?> Remote() => new("--remote")
    {
        Description = "Address of a cgym serve server (http://HOST:PORT) to run the environments on, or a cluster's gateways separated by commas "
            + "(a call goes on through the next when one is gone); default $CGYM_REMOTE, else in process",
        DefaultValueFactory = _ => EnvOptions.FromEnvironment().Remote,
    };

    public static Option<string?> Token() => new("--token")
    {
        Description = "Bearer token for --remote; default $CGYM_TOKEN, else for a server on this machine the one in the user's token file",
    };

    public static Option<string?> TokenFile() => new("--token-file") { Description = "File holding the bearer token for --remote (instead of --token)" };

    /// <summary>
    /// The token given for --remote: --token, else the one in --token-file, else $CGYM_TOKEN; null
    /// leaves the client to send a server on this machine the user's default token file.
    /// </summary>
    public static string? GivenToken(ParseResult result, Option<string?> token, Option<string?> tokenFile)
    {
        string? given = result.GetValue(token);
        string? file = result.GetValue(tokenFile);
        if (given is not null && file is not null) throw new ArgumentException("give --token or --token-file, not both");
        return given ?? (file is not null ? Protocol.TokenFile.Read(file) : EnvOptions.FromEnvironment().Token);
    }

    public static Option<bool> Json() => new("--json") { Description = "Print JSON instead of tables" };

    /// <summary>Runs a command body, turning the errors a user can cause (a server address, a malformed kernel included) into a message and exit code 1.</summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is ArgumentException or UnknownNameException or UnknownBenchmarkException
            or CompilerException or FormatException or InvalidOperationException or IOException or Grpc.Core.RpcException)
        {
            Console.Error.WriteLine($"cgym: error: {e.Message}");
            return 1;
        }
    }

    /// <summary>Action names from the --actions text: names or ids, separated by commas or spaces ('all' means the whole space in order).</summary>
    public static IReadOnlyList<string> ParseActions(Space space, string text)
    {
        var names = space.Names ?? [];
        if (text.Trim() == "all") return names;
        return [.. text.Split([',', ' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(token =>
            int.TryParse(token, out int id)
                ? id >= 0 && id < names.Count ? names[id] : throw new UnknownNameException($"action {id} is out of range for {space.Name} (0..{names.Count - 1})")
                : names.Contains(token) ? token : throw new UnknownNameException($"unknown action '{token}' in {space.Name}"))];
    }

    public static void Table(string title, IEnumerable<string> columns, IEnumerable<string[]> rows)
    {
        // Piped output has no terminal width; Spectre would wrap every cell at 80 columns.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 240;
        var table = new Table { Title = new TableTitle(title) }.Border(TableBorder.Simple);
        foreach (var c in columns) table.AddColumn(c);
        foreach (var r in rows) table.AddRow([.. r.Select(Markup.Escape)]);
        AnsiConsole.Write(table);
    }
}
