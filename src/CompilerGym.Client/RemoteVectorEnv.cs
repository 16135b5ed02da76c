using CompilerGym.Core.Envs;
using CompilerGym.Protocol.V1;
using Google.Protobuf.Collections;

namespace CompilerGym.Client;

/// <summary>
/// N sessions of a <c>cgym serve</c> server stepped together: a vector step is one <c>StepBatch</c>
/// call on a stream of its own, which the server fans out to the sessions' workers (one each) in
/// parallel, so N sessions cost one round trip rather than N; a vector reset is one <c>ResetBatch</c>
/// the same way. Each of <see cref="Envs"/> is a <see cref="RemoteEnv"/> on the same connection, for
/// observations and states. A step's or reset's results, and its errors, are those each env's own would give.
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

    /// <summary>
    /// Resets env i to benchmarks[i] (null: its current one): the envs whose session has started by one
    /// <c>ResetBatch</c> call, the others by starting theirs, side by side. A reset that failed throws
    /// as the env's own reset would (the first in env order), the other envs having reset.
    /// </summary>
    public ResetResult[] Reset(IReadOnlyList<string?> benchmarks, ResetOptions? options = null)
    {
        if (benchmarks.Count != _envs.Length) throw new ArgumentException($"{benchmarks.Count} benchmarks for {_envs.Length} environments: give one per environment");
        var requests = new ResetRequest?[_envs.Length];
        var batch = new ResetBatchRequest();
        for (int i = 0; i < _envs.Length; i++)
            if (_envs[i].SessionId is not null) batch.Resets.Add(requests[i] = _envs[i].ResetRequest(benchmarks[i], options));
        var sent = batch.Resets.Count == 0 ? null : ResetBatchAsync(batch);
        var results = new Task<ResetResult>[_envs.Length];
        for (int i = 0, next = 0; i < _envs.Length; i++)
            results[i] = requests[i] is { } request ? AdoptAsync(_envs[i], request, options, sent!, next++) : _envs[i].ResetAsync(benchmarks[i], options);
        return Task.WhenAll(results).GetAwaiter().GetResult();
    }

    private async Task<RepeatedField<ResetOutcome>> ResetBatchAsync(ResetBatchRequest batch)
    {
        var outcomes = (await RemoteEnv.CallAsync(() => _stream.CallAsync(new CallRequest { ResetBatch = batch }))).ResetBatch.Outcomes;
        return outcomes.Count == batch.Resets.Count ? outcomes : throw new InvalidDataException($"the server answered {outcomes.Count} resets of {batch.Resets.Count}");
    }

    // An env's reset in the batch: adopted by the env, or thrown as the env's own reset would.
    private static async Task<ResetResult> AdoptAsync(RemoteEnv env, ResetRequest request, ResetOptions? options, Task<RepeatedField<ResetOutcome>> sent, int index)
    {
        var outcome = (await sent)[index];
        return outcome.KindCase == ResetOutcome.KindOneofCase.Reset ? env.Adopt(request, options, outcome.Reset) : throw RemoteEnv.Failure(outcome.Error);
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
        return error.Reason == InapplicableActionException.Reason ? null : throw RemoteEnv.Failure(error);
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
