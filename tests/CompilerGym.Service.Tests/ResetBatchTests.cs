using Grpc.Core;
using Proto = CompilerGym.Protocol.V1;

namespace CompilerGym.Service.Tests;

/// <summary>Several sessions reset by one call, unary and on the Calls stream.</summary>
public class ResetBatchTests(TestServer server) : IClassFixture<TestServer>
{
    private const string Crc32 = "benchmark://builtin-v0/crc32";
    private const string Qsort = "benchmark://builtin-v0/qsort";

    // A session one step into its episode, so that a reset shows in its state.
    private async Task<string> StartSteppedAsync()
    {
        var start = await server.Client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = Crc32, ObservationSpace = "IrInstructionCount" });
        await server.Client.StepAsync(new Proto.StepRequest { SessionId = start.SessionId, ActionNames = { "mem2reg" } });
        return start.SessionId;
    }

    private async Task<Proto.State> StateAsync(string id) => (await server.Client.GetStateAsync(new Proto.GetStateRequest { SessionId = id })).State;

    [Fact]
    public async Task A_batch_resets_each_session_as_its_own_reset_would_and_answers_a_failed_one_in_its_place()
    {
        string[] batched = [await StartSteppedAsync(), await StartSteppedAsync(), await StartSteppedAsync()];
        string single = await StartSteppedAsync();

        var reply = await server.Client.ResetBatchAsync(new Proto.ResetBatchRequest
        {
            Resets =
            {
                new Proto.ResetRequest { SessionId = batched[0] },
                new Proto.ResetRequest { SessionId = "no-such-session" },
                new Proto.ResetRequest { SessionId = batched[1], Benchmark = Qsort },
                new Proto.ResetRequest { SessionId = batched[2], Benchmark = "benchmark://builtin-v0/no-such-program" },
            },
        });
        var alone0 = await server.Client.ResetAsync(new Proto.ResetRequest { SessionId = single });
        var alone1 = await server.Client.ResetAsync(new Proto.ResetRequest { SessionId = single, Benchmark = Qsort });

        Assert.Equal(4, reply.Outcomes.Count);
        Assert.Equal(alone0.Observation, reply.Outcomes[0].Reset.Observation);
        Assert.Equal((int)StatusCode.NotFound, reply.Outcomes[1].Error.Code);
        Assert.Equal(alone1.Observation, reply.Outcomes[2].Reset.Observation);
        Assert.NotEqual(alone0.Observation, alone1.Observation);
        Assert.Equal(Qsort, reply.Outcomes[2].Reset.Benchmark);
        Assert.Equal((int)StatusCode.InvalidArgument, reply.Outcomes[3].Error.Code);
        Assert.Contains("no-such-program", reply.Outcomes[3].Error.Message);
        // The failed reset left its session as it was: on crc32, one step in.
        var states = await Task.WhenAll(batched.Select(StateAsync));
        Assert.Equal([Crc32, Qsort, Crc32], states.Select(s => s.Benchmark));
        Assert.Equal([0, 0, 1], states.Select(s => s.Actions.Count));

        // A batch on the stream of calls, then another call on the same stream.
        using var calls = server.Client.Calls();
        await calls.RequestStream.WriteAsync(new Proto.CallRequest
        {
            ResetBatch = new Proto.ResetBatchRequest
            {
                Resets = { new Proto.ResetRequest { SessionId = batched[2], Benchmark = Qsort }, new Proto.ResetRequest { SessionId = "no-such-session" } },
            },
        });
        Assert.True(await calls.ResponseStream.MoveNext(CancellationToken.None));
        var streamed = calls.ResponseStream.Current.ResetBatch.Outcomes;
        Assert.Equal(alone1.Observation, streamed[0].Reset.Observation);
        Assert.Equal((int)StatusCode.NotFound, streamed[1].Error.Code);
        await calls.RequestStream.WriteAsync(new Proto.CallRequest { GetState = new Proto.GetStateRequest { SessionId = batched[2] } });
        Assert.True(await calls.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(Qsort, calls.ResponseStream.Current.GetState.State.Benchmark);
        await calls.RequestStream.CompleteAsync();

        foreach (string id in (string[])[.. batched, single])
            await server.Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = id });
    }
}
