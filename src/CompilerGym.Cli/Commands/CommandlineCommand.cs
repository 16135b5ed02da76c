using System.CommandLine;
using CompilerGym.Llvm.Env;

namespace CompilerGym.Cli.Commands;

/// <summary><c>cgym commandline</c>: the opt-22 command that reproduces an action sequence.</summary>
internal static class CommandlineCommand
{
    public static Command Create()
    {
        var benchmark = CommonOptions.Benchmark();
        var actionSpace = CommonOptions.ActionSpace();
        var actions = CommonOptions.Actions();
        var command = new Command("commandline", "Print the opt-22 command that reproduces actions on a benchmark") { benchmark, actionSpace, actions };
        command.SetAction(r => CommonOptions.Run(() =>
        {
            using var env = new LlvmEnv(actionSpace: r.GetValue(actionSpace)!);
            var names = CommonOptions.ParseActions(env.Actions, r.GetValue(actions)!);
            env.Reset(r.GetValue(benchmark));
            env.Step(names);
            Console.WriteLine(env.Commandline());
            return 0;
        }));
        return command;
    }
}
