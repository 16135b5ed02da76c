using System.CommandLine;
using CompilerGym.Cli.Commands;

if (args is [ServeCommand.Name, ..]) CompilerGym.Service.Hosting.ServiceHost.TuneThreadPool();

var root = new RootCommand("CompilerGym for .NET: LLVM 22 pass-ordering environments for reinforcement learning")
{
    SpacesCommand.Create(),
    BenchmarksCommand.Create(),
    StepCommand.Create(),
    CommandlineCommand.Create(),
    PipelineCommand.Create(),
    SearchCommand.Create(),
    TuneCommand.Create(),
    PortfolioCommand.Create(),
    TrainCommand.Create(),
    EvalCommand.Create(),
    ValidateCommand.Create(),
    ServeCommand.Create(),
    ClusterCommand.Create(),
};
// Ctrl+C or SIGTERM cancels a command, which gets a moment to end (System.CommandLine's default);
// cluster up needs the time to stop its silos.
var invocation = new InvocationConfiguration();
if (args is [ClusterCommand.Name, ClusterCommand.Up, ..]) invocation.ProcessTerminationTimeout = ClusterCommand.StopTime;
return root.Parse(args).Invoke(invocation);
