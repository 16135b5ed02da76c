using CompilerGym.Core.Envs;
using CompilerGym.Llvm;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Features;
using CompilerGym.Protocol;
using CompilerGym.Protocol.V1;
using CompilerGym.Protocol.Worker;
using Grpc.Core;

namespace CompilerGym.Worker;

/// <summary>
/// Answers the service's requests one at a time for the worker's single session. A request that
/// fails cleanly gets a <see cref="WorkerError"/>; a crash or a hang inside LLVM ends the process,
/// and the service restores the session elsewhere.
/// </summary>
internal sealed class WorkerLoop(BenchmarkStore store)
{
    private LlvmEnv? _env;

    public void Run(Stream input, Stream output)
    {
        Framing.Write(output, new WorkerReply { Ready = new WorkerReady { LlvmVersion = LlvmVersion.Text } });
        while (Framing.Read(input, WorkerRequest.Parser) is { } request)
            Framing.Write(output, Handle(request));
        _env?.Dispose();
    }

    private WorkerReply Handle(WorkerRequest request)
    {
        try
        {
            return request.KindCase switch
            {
                WorkerRequest.KindOneofCase.Start => new WorkerReply { Start = Start(request.Start) },
                WorkerRequest.KindOneofCase.Step => new WorkerReply { Step = Step(request.Step) },
                WorkerRequest.KindOneofCase.Reset => new WorkerReply { Reset = Reset(request.Reset) },
                WorkerRequest.KindOneofCase.State => new WorkerReply { State = State() },
                WorkerRequest.KindOneofCase.Validate => new WorkerReply { Validate = Validate(request.Validate) },
                WorkerRequest.KindOneofCase.CheckProgram => new WorkerReply { CheckProgram = CheckProgram(request.CheckProgram) },
                _ => Error(StatusCode.Unimplemented, $"unknown worker request {request.KindCase}"),
            };
        }
        catch (Exception e) when (e is ArgumentException or FormatException or LlvmException or InvalidDataException)
        {
            return Error(StatusCode.InvalidArgument, e.Message);
        }
        catch (InvalidOperationException e)
        {
            return Error(StatusCode.FailedPrecondition, e.Message);
        }
        catch (Exception e)
        {
            return Error(StatusCode.Internal, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private StartSessionReply Start(StartSessionRequest request)
    {
        var env = new LlvmEnv(store);
        try
        {
            var reset = env.Reset(request.Benchmark, new ResetOptions(request.ActionSpace.OrNull(),
                request.ObservationSpace.OrNull(), request.RewardSpace.OrNull(), [.. request.CustomActions]));
            var observation = reset.Observation;
            if (request.Actions.Count > 0) observation = env.Step(request.Actions).Observation;
            _env?.Dispose();
            _env = env;
            var reply = new StartSessionReply { ActionSpace = env.ActionSpace.ToProto(), Benchmark = reset.Info.Benchmark, Seconds = reset.Info.Seconds };
            if (observation is not null) reply.Observation = observation.ToProto();
            return reply;
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    private StepReply Step(StepRequest request)
    {
        var env = Env();
        if (request.Actions.Count > 0 && request.ActionNames.Count > 0)
            throw new ArgumentException("give actions by index or by name, not both");
        var options = new StepOptions([.. request.ObservationSpaces], [.. request.RewardSpaces]);
        var result = request.ActionNames.Count > 0 ? env.Step(request.ActionNames, options) : env.Step([.. request.Actions], options);
        var reply = new StepReply
        {
            Reward = result.Reward,
            Terminated = result.Terminated,
            Truncated = result.Truncated,
            IrChanged = result.Info.IrChanged,
            Seconds = result.Info.Seconds,
        };
        if (result.Observation is not null) reply.Observation = result.Observation.ToProto();
        foreach (var (name, value) in result.Info.Observations) reply.Observations[name] = value.ToProto();
        foreach (var (name, value) in result.Info.Rewards) reply.Rewards[name] = value;
        return reply;
    }

    private ResetReply Reset(ResetRequest request)
    {
        var env = Env();
        bool respace = request.ActionSpace.Length > 0 || request.CustomActions.Count > 0;
        var result = env.Reset(request.Benchmark.OrNull(), new ResetOptions(
            respace ? request.ActionSpace : null, request.ObservationSpace.OrNull(), request.RewardSpace.OrNull(),
            respace ? [.. request.CustomActions] : null));
        var reply = new ResetReply { Benchmark = result.Info.Benchmark, ActionSpace = env.ActionSpace.ToProto(), Seconds = result.Info.Seconds };
        if (result.Observation is not null) reply.Observation = result.Observation.ToProto();
        return reply;
    }

    private GetStateReply State()
    {
        var env = Env();
        return new GetStateReply { State = env.State.ToProto(), Commandline = env.Commandline() };
    }

    private ValidateReply Validate(ValidateRequest request)
    {
        if (request.State is null) throw new ArgumentException("no state to validate");
        using var env = new LlvmEnv(store);
        var result = env.Validate(request.State.ToCore());
        var reply = new ValidateReply { Ok = result.Ok, ReplayedReward = result.ReplayedReward, Seconds = result.Seconds };
        reply.Errors.AddRange(result.Errors);
        return reply;
    }

    private static CheckProgramReply CheckProgram(CheckProgramRequest request)
    {
        var benchmark = BenchmarkStore.LoadProgramFile($"file://{request.Path}", request.Path);
        using var module = benchmark.Load();
        return new CheckProgramReply { IrInstructionCount = InstCount.InstructionCount(module) };
    }

    private LlvmEnv Env() => _env ?? throw new InvalidOperationException("the worker has no session");

    private static WorkerReply Error(StatusCode code, string message) =>
        new() { Error = new WorkerError { StatusCode = (int)code, Message = message } };
}
