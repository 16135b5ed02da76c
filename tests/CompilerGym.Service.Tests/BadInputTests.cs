using Google.Protobuf;
using Grpc.Core;
using Proto = CompilerGym.Protocol.V1;

namespace CompilerGym.Service.Tests;

/// <summary>Each kind of bad request gets its own clear status, and nothing else is lost.</summary>
[Collection(ServerCollection.Name)]
public class BadInputTests(TestServer server)
{
    private Proto.CompilerGym.CompilerGymClient Client => server.Client;

    private static async Task<RpcException> Fails(StatusCode code, Func<Task> call, string mentions)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, error.StatusCode);
        Assert.Contains(mentions, error.Status.Detail);
        return error;
    }

    [Fact]
    public async Task Unknown_names_are_invalid_arguments_and_change_nothing()
    {
        var session = await Client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = "benchmark://builtin-v0/crc32" });
        string id = session.SessionId;
        await Client.StepAsync(new Proto.StepRequest { SessionId = id, ActionNames = { "sroa" } });

        await Fails(StatusCode.InvalidArgument, async () => await Client.StepAsync(new Proto.StepRequest { SessionId = id, Actions = { 9999 } }), "out of range");
        await Fails(StatusCode.InvalidArgument, async () => await Client.StepAsync(new Proto.StepRequest { SessionId = id, ActionNames = { "no-such-pass" } }), "no-such-pass");
        await Fails(StatusCode.InvalidArgument, async () => await Client.StepAsync(new Proto.StepRequest { SessionId = id, ActionNames = { "gvn" }, ObservationSpaces = { "NoSuchSpace" } }), "NoSuchSpace");
        await Fails(StatusCode.InvalidArgument, async () => await Client.StepAsync(new Proto.StepRequest { SessionId = id, ActionNames = { "gvn" }, RewardSpaces = { "NoSuchReward" } }), "NoSuchReward");
        await Fails(StatusCode.InvalidArgument, async () => await Client.ResetAsync(new Proto.ResetRequest { SessionId = id, Benchmark = "benchmark://builtin-v0/no-such-program" }), "no-such-program");

        var state = await Client.GetStateAsync(new Proto.GetStateRequest { SessionId = id });
        Assert.Equal(["sroa"], state.State.Actions);
        Assert.Equal("benchmark://builtin-v0/crc32", state.State.Benchmark);
        await Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = id });
    }

    [Fact]
    public async Task Unknown_sessions_are_not_found()
    {
        await Fails(StatusCode.NotFound, async () => await Client.StepAsync(new Proto.StepRequest { SessionId = "no-such-session" }), "unknown session");
        var session = await Client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = "benchmark://builtin-v0/crc32" });
        await Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = session.SessionId });
        await Fails(StatusCode.NotFound, async () => await Client.GetStateAsync(new Proto.GetStateRequest { SessionId = session.SessionId }), "unknown session");
        await Fails(StatusCode.NotFound, async () => await Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = session.SessionId }), "unknown session");
    }

    [Fact]
    public async Task Unknown_benchmarks_and_spaces_fail_to_start()
    {
        await Fails(StatusCode.InvalidArgument, async () => await Client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = "benchmark://no-such-dataset/x" }), "no-such-dataset");
        await Fails(StatusCode.InvalidArgument, async () => await Client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = "generator://csmith-v0/not-a-seed" }), "not-a-seed");
        await Fails(StatusCode.InvalidArgument, async () => await Client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = "benchmark://builtin-v0/crc32", ActionSpace = "no-such-space" }), "no-such-space");
        await Fails(StatusCode.InvalidArgument, async () => await Client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = "benchmark://builtin-v0/crc32", CustomActions = { "function(no-such-pass)" } }), "no-such-pass");
        await Fails(StatusCode.InvalidArgument, async () => await Client.StartSessionAsync(new Proto.StartSessionRequest()), "needs a benchmark");
    }

    [Theory]
    [InlineData(Proto.ProgramFormat.Bitcode, "BC\u00c0\u00de garbage", "bitcode")]
    [InlineData(Proto.ProgramFormat.Ir, "define i32 @f( {", "invalid LLVM IR")]
    [InlineData(Proto.ProgramFormat.C, "int main(void) { return undeclared_name; }", "undeclared")]
    public async Task Malformed_programs_are_refused_and_not_published(Proto.ProgramFormat format, string program, string mentions)
    {
        string name = $"broken-{format}";
        await Fails(StatusCode.InvalidArgument, async () => await Client.AddBenchmarkAsync(new Proto.AddBenchmarkRequest
        {
            Name = name,
            Format = format,
            Program = ByteString.CopyFrom(System.Text.Encoding.Latin1.GetBytes(program)),
        }), mentions);
        var listed = await Client.ListBenchmarksAsync(new Proto.ListBenchmarksRequest { Dataset = "user-v0" });
        Assert.DoesNotContain($"benchmark://user-v0/{name}", listed.Datasets.Single().Benchmarks);
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_refused()
    {
        var huge = ByteString.CopyFrom(new byte[65 << 20]);
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.AddBenchmarkAsync(new Proto.AddBenchmarkRequest { Name = "huge", Program = huge }));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        // The server is still there.
        var version = await Client.GetVersionAsync(new Proto.GetVersionRequest());
        Assert.StartsWith("22.", version.LlvmVersion);
    }

    [Fact]
    public async Task Bad_upload_names_are_refused()
    {
        foreach (string name in new[] { "", "../escape", ".hidden", "a/b" })
            await Fails(StatusCode.InvalidArgument, async () => await Client.AddBenchmarkAsync(new Proto.AddBenchmarkRequest
            {
                Name = name,
                Program = ByteString.CopyFromUtf8("define void @f() { ret void }"),
            }), "name");
    }
}
