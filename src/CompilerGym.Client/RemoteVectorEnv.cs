using CompilerGym.Core.Envs;
using CompilerGym.Protocol;
using CompilerGym.Protocol.V1;
using Grpc.Core;

namespace CompilerGym.Client;

/// <summary>
/// N sessions of a <c>cgym serve</c> server stepped together: a vector step is one <c>StepBatch</c>
/// call on a stream of its own, which the server fans out to the sessions' workers (one each) in
/// parallel, so N sessions cost one round trip rather than N. Each of <see cref="Envs"/> is a
/// <see cref="RemoteEnv"/> on the same connection, for resets, observations and states. A step's
/// results, and its errors, are those each env's own step would give.
/// </summary>
public sealed class RemoteVectorEnv : IEnvBatch
{
    private readonly RemoteConnection _connection;
    private readonly RemoteEnv[] _envs;
    private readonly CallStream _stream;
    private bool _disposed;

    /// <summary>
    /// Connects to a server (or the first that answers of a cluster's gateways, separated by commas)
    /// with <paramref name="count"/> envs, as <see cref="RemoteEnv"/>'s constructor would each.
    /// </summary>
    public RemoteVectorEnv(string address, int count, string? token = null, string? actionSpace = null, string? observationSpace = null,
        string? rewardSpace = null, string? environment = null)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), "a vector env has at least one env");
        _connection = RemoteConnection.Open(address, token);
        _envs = new RemoteEnv[count];
        try
        {
            GetSpacesReply? spaces = null;
            for (int i = 0; i < count; i++)
            {
                _connection.AddRef();
                _envs[i] = new RemoteEnv(_connection, spaces, actionSpace, observationSpace, rewardSpace, environment);
                spaces = _envs[i].Spaces;
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        _stream = new CallStream(_connection);
    }

    public IReadOnlyList<ICompilerEnv> Envs => _envs;

    public int Count => _envs.Length;

    /// <summary>Resets env i to benchmarks[i] (null: its current one), side by side.</summary>
    public ResetResult[] Reset(IReadOnlyList<string?> benchmarks, ResetOptions? options = null)
    {
        if (benchmarks.Count != _envs.Length) throw new ArgumentException($"{benchmarks.Count} benchmarks for {_envs.Length} environments: give one per environment");
        return Task.WhenAll(_envs.Select((env, i) => env.ResetAsync(benchmarks[i], options))).GetAwaiter().GetResult();
    }

    /// <summary>
    /// One batched call; a step that failed (an error other than an action that does not apply)
    /// throws as the env's own step would, the other envs having taken their steps.
    /// </summary>
    public StepResult?[] TryStep(IReadOnlyList<int> actions, StepOptions? options = null)
    {
        EnvBatches.CheckCount(actions, _envs.Length);
        var batch = new StepBatchRequest();
        for (int i = 0; i < _envs.Length; i++) batch.Steps.Add(_envs[i].StepRequest([actions[i]], options));
        var outcomes = RemoteEnv.Call(() => _stream.Call(new CallRequest { StepBatch = batch }).StepBatch).Outcomes;
        if (outcomes.Count != _envs.Length) throw new InvalidDataException($"the server answered {outcomes.Count} steps of {_envs.Length}");
        return [.. outcomes.Select(Result)];
    }

    // A step that failed throws what the env's own step would have; one whose action did not apply is a wasted step.
    private static StepResult? Result(StepOutcome outcome)
    {
        if (outcome.KindCase == StepOutcome.KindOneofCase.Step) return RemoteEnv.ToResult(outcome.Step);
        var error = outcome.Error;
        if (error.Reason == InapplicableActionException.Reason) return null;
        return RemoteEnv.Call<StepResult>(() => throw ErrorReason.Exception((StatusCode)error.Code, error.Message, error.Reason));
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stream?.Dispose();
        foreach (var env in _envs ?? []) env?.Dispose();
        _connection.Release();
    }
}
