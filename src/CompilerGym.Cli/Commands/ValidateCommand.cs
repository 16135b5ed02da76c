using System.CommandLine;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;

namespace CompilerGym.Cli.Commands;

/// <summary><c>cgym validate</c>: replays a state (JSON, as <c>cgym step</c> prints it) and checks its reward.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var state = new Argument<string>("state") { Description = "The state as JSON, or @FILE to read it from a file, or - for standard input" };
        var command = new Command("validate", "Replay a state and check that its reward reproduces") { state };
        command.SetAction(r => CommonOptions.Run(() =>
        {
            string text = r.GetValue(state)!;
            text = text == "-" ? Console.In.ReadToEnd() : text.StartsWith('@') ? File.ReadAllText(text[1..]) : text;
            var parsed = EnvState.FromJson(text);
            using var env = CommonOptions.Registry.For(parsed.Benchmark).Make(new EnvSettings());
            var result = env.Validate(parsed);
            Console.WriteLine(result);
            return result.Ok ? 0 : 1;
        }));
        return command;
    }
}
