using System.CommandLine;
using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;

namespace CompilerGym.Cli.Commands;

/// <summary><c>cgym commandline</c>: the command (opt-22's, mlir-opt-22's) that reproduces an action sequence.</summary>
internal static class CommandlineCommand
{
    public static Command Create()
    {
        var benchmark = CommonOptions.Benchmark();
        var actionSpace = CommonOptions.ActionSpace();
        var actions = CommonOptions.Actions();
        var command = new Command("commandline", "Print the command of stock tools that reproduces actions on a benchmark") { benchmark, actionSpace, actions };
        command.SetAction(r => CommonOptions.Run(() =>
        {
            string uri = r.GetValue(benchmark)!;
            using var env = CommonOptions.Registry.For(uri).Make(new EnvSettings(r.GetValue(actionSpace)));
            env.Reset(uri);
            env.StepByName(CommonOptions.ParseActions(env.ActionSpace, r.GetValue(actions)!));
            Console.WriteLine(env.Commandline());
            return 0;
        }));
        return command;
    }
}
