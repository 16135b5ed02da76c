using CompilerGym.Core.Environments;
using CompilerGym.Core.Envs;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Llvm.Features;
using CompilerGym.Protocol;
using CompilerGym.Protocol.V1;
using CompilerGym.Protocol.Worker;
using Grpc.Core;

namespace CompilerGym.Worker;

/// <summary>
/// Answers the service's requests one at a time for the worker's sessions (a session and its
/// forks). A request that fails cleanly gets a <see cref="WorkerError"/>; a crash or a hang inside
/// LLVM ends the process, and the service restores the sessions elsewhere.
/// </summary>
internal sealed class WorkerLoop(EnvRegistry registry, string? userBenchmarks)
{
    private readonly Dictionary<string, ICompilerEnv> _envs = [];
    // Which environment each session's env is, so a reset to another's benchmark replaces it.
    private readonly Dictionary<ICompilerEnv, EnvSpec> _specs = [];

    public void Run(Stream input, Stream output)
    {
        Framing.Write(output, new WorkerReply { Ready = new WorkerReady { LlvmVersion = LlvmVersion.Text } });
        while (Framing.Read(input, WorkerRequest.Parser) is { } request)
            Framing.Write(output, Handle(request));
        foreach (var env in _envs.Values.ToList()) Dispose(env);
    }

    private WorkerReply Handle(WorkerRequest request)
    {
        try
        {
            return request.KindCase switch
            {
                WorkerRequest.KindOneofCase.Start => new WorkerReply { Start = Start(request.Session, request.Start) },
                WorkerRequest.KindOneofCase.Step => new WorkerReply { Step = Step(Env(request.Session), request.Step) },
                WorkerRequest.KindOneofCase.Reset => new WorkerReply { Reset = Reset(request.Session, request.Reset) },
                WorkerRequest.KindOneofCase.State => new WorkerReply { State = State(Env(request.Session)) },
                WorkerRequest.KindOneofCase.Fork => new WorkerReply { Fork = Fork(request.Session, request.Fork) },
                WorkerRequest.KindOneofCase.End => new WorkerReply { End = End(request.Session) },
                WorkerRequest.KindOneofCase.Validate => new WorkerReply { Validate = Validate(request.Validate) },
                WorkerRequest.KindOneofCase.CheckProgram => new WorkerReply { CheckProgram = CheckProgram(request.CheckProgram) },
                WorkerRequest.KindOneofCase.Prepare => new WorkerReply { Prepare = Prepare(request.Prepare) },
                _ => Error(StatusCode.Unimplemented, $"unknown worker request {request.KindCase}"),
            };
        }
        catch (InapplicableActionException e)
        {
            return Error(StatusCode.FailedPrecondition, e.Message, InapplicableActionException.Reason);
        }
        catch (Exception e) when (e is Core.Spaces.UnknownNameException or Core.Benchmarks.UnknownBenchmarkException)
        {
            return Error(StatusCode.InvalidArgument, e.Message, Core.Spaces.UnknownNameException.Reason);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or CompilerException or InvalidDataException)
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

    private StartSessionReply Start(string session, StartSessionRequest request)
    {
        var env = Create(request.Benchmark);
        try
        {
            var reset = env.Reset(request.Benchmark, new ResetOptions(request.ActionSpace.OrNull(),
                request.ObservationSpace.OrNull(), request.RewardSpace.OrNull(), [.. request.CustomActions]));
            var observation = reset.Observation;
            if (request.Actions.Count > 0) observation = env.Step(Indices(env, request.Actions)).Observation;
            if (_envs.Remove(session, out var replaced)) Dispose(replaced);
            _envs[session] = env;
            var reply = new StartSessionReply { ActionSpace = env.ActionSpace.ToProto(), Benchmark = reset.Info.Benchmark, Seconds = reset.Info.Seconds };
            if (observation is not null) reply.Observation = observation.ToProto();
            return reply;
        }
        catch
        {
            Dispose(env);
            throw;
        }
    }

    private static StepReply Step(ICompilerEnv env, StepRequest request)
    {
        if (request.Actions.Count > 0 && request.ActionNames.Count > 0)
            throw new ArgumentException("give actions by index or by name, not both");
        var options = new StepOptions([.. request.ObservationSpaces], [.. request.RewardSpaces]);
        var result = env.Step(request.ActionNames.Count > 0 ? Indices(env, request.ActionNames) : [.. request.Actions], options);
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

    private ResetReply Reset(string session, ResetRequest request)
    {
        var env = Env(session);
        // A benchmark of another environment starts an env of that kind in the session's place.
        if (request.Benchmark.Length > 0 && registry.For(request.Benchmark) != _specs[env])
        {
            var replacement = Create(request.Benchmark);
            try
            {
                var reply = Reset(replacement, request);
                _envs[session] = replacement;
                Dispose(env);
                return reply;
            }
            catch
            {
                Dispose(replacement);
                throw;
            }
        }
        return Reset(env, request);
    }

    private static ResetReply Reset(ICompilerEnv env, ResetRequest request)
    {
        bool respace = request.ActionSpace.Length > 0 || request.CustomActions.Count > 0;
        var result = env.Reset(request.Benchmark.OrNull(), new ResetOptions(
            respace ? request.ActionSpace : null, request.ObservationSpace.OrNull(), request.RewardSpace.OrNull(),
            respace ? [.. request.CustomActions] : null));
        var reply = new ResetReply { Benchmark = result.Info.Benchmark, ActionSpace = env.ActionSpace.ToProto(), Seconds = result.Info.Seconds };
        if (result.Observation is not null) reply.Observation = result.Observation.ToProto();
        return reply;
    }

    private static GetStateReply State(ICompilerEnv env) => new GetStateReply { State = env.State.ToProto(), Commandline = env.Commandline() };

    private ForkReply Fork(string session, ForkRequest request)
    {
        if (_envs.ContainsKey(request.SessionId)) throw new ArgumentException($"session key {request.SessionId} is taken");
        var parent = Env(session);
        var fork = parent.Fork();
        _specs[fork] = _specs[parent];
        _envs[request.SessionId] = fork;
        return new ForkReply { SessionId = request.SessionId };
    }

    private EndSessionReply End(string session)
    {
        if (_envs.Remove(session, out var env)) Dispose(env);
        return new EndSessionReply();
    }

    private ValidateReply Validate(ValidateRequest request)
    {
        if (request.State is null) throw new ArgumentException("no state to validate");
        var env = Create(request.State.Benchmark);
        ValidationResult result;
        try { result = env.Validate(request.State.ToCore()); }
        finally { Dispose(env); }
        var reply = new ValidateReply { Ok = result.Ok, ReplayedReward = result.ReplayedReward, Seconds = result.Seconds };
        reply.Errors.AddRange(result.Errors);
        return reply;
    }

    private static CheckProgramReply CheckProgram(CheckProgramRequest request)
    {
        var benchmark = BenchmarkStore.LoadProgramFile(request.Uri.OrNull() ?? $"file://{request.Path}", request.Path);
        using var module = benchmark.Load();
        return new CheckProgramReply { IrInstructionCount = InstCount.InstructionCount(module) };
    }

    // Resetting to the benchmark builds what any session on it reads.
    private PrepareReply Prepare(PrepareRequest request)
    {
        var env = Create(request.Benchmark);
        try { env.Reset(request.Benchmark, new ResetOptions()); }
        finally { Dispose(env); }
        return new PrepareReply();
    }

    // The environment that owns the benchmark, with this server's uploads among its programs.
    private ICompilerEnv Create(string benchmark)
    {
        var spec = registry.For(benchmark);
        var env = spec.Make(new EnvSettings(UserBenchmarkDirectory: userBenchmarks));
        _specs[env] = spec;
        return env;
    }

    private void Dispose(ICompilerEnv env)
    {
        _specs.Remove(env);
        env.Dispose();
    }

    /// <summary>Action names as indices of the env's action space (an unknown name throws UnknownNameException).</summary>
    private static int[] Indices(ICompilerEnv env, IEnumerable<string> names) => [.. names.Select(env.ActionSpace.IndexOf)];

    private ICompilerEnv Env(string session) => _envs.TryGetValue(session, out var env) ? env
        : throw new InvalidOperationException($"the worker has no session {session}");

    private static WorkerReply Error(StatusCode code, string message, string reason = "") =>
        new() { Error = new WorkerError { StatusCode = (int)code, Message = message, Reason = reason } };
}
