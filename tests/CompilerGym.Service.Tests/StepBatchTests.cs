using Grpc.Core;
using Proto = CompilerGym.Protocol.V1;

namespace CompilerGym.Service.Tests;

/// <summary>Several sessions stepped by one call, unary and on the Calls stream.</summary>
public class StepBatchTests(TestServer server) : IClassFixture<TestServer>
{
    private async Task<string> StartAsync() => (await server.Client.StartSessionAsync(new Proto.StartSessionRequest
    {
        Benchmark = "benchmark://builtin-v0/crc32",
        ObservationSpace = "IrInstructionCount",
        RewardSpace = "IrInstructionCountOz",
    })).SessionId;

    [Fact]
    public async Task A_batch_steps_each_session_as_its_own_step_would_and_answers_a_failed_one_in_its_place()
    {
        string[] batched = [await StartAsync(), await StartAsync()];
        string single = await StartAsync();
        string[] actions = ["mem2reg", "instcombine"];

        var reply = await server.Client.StepBatchAsync(new Proto.StepBatchRequest
        {
            Steps =
            {
                new Proto.StepRequest { SessionId = batched[0], ActionNames = { actions[0] } },
                new Proto.StepRequest { SessionId = "no-such-session", ActionNames = { actions[0] } },
                new Proto.StepRequest { SessionId = batched[1], ActionNames = { actions } },
            },
        });
        var alone0 = await server.Client.StepAsync(new Proto.StepRequest { SessionId = single, ActionNames = { actions[0] } });
        var alone1 = await server.Client.StepAsync(new Proto.StepRequest { SessionId = single, ActionNames = { actions[1] } });

        Assert.Equal(3, reply.Outcomes.Count);
        Assert.Equal(alone0.Observation, reply.Outcomes[0].Step.Observation);
        Assert.Equal(alone0.Reward, reply.Outcomes[0].Step.Reward);
        Assert.Equal((int)StatusCode.NotFound, reply.Outcomes[1].Error.Code);
        Assert.Equal(alone1.Observation, reply.Outcomes[2].Step.Observation);
        Assert.Equal(actions, (await server.Client.GetStateAsync(new Proto.GetStateRequest { SessionId = batched[1] })).State.Actions);

        // The same batch on the stream of calls.
        using var calls = server.Client.Calls();
        await calls.RequestStream.WriteAsync(new Proto.CallRequest
        {
            StepBatch = new Proto.StepBatchRequest { Steps = { new Proto.StepRequest { SessionId = batched[0], ObservationSpaces = { "IrInstructionCount" } } } },
        });
        Assert.True(await calls.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(alone0.Observation, calls.ResponseStream.Current.StepBatch.Outcomes.Single().Step.Observations["IrInstructionCount"]);
        await calls.RequestStream.CompleteAsync();

        foreach (string id in (string[])[.. batched, single])
            await server.Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = id });
    }
}
