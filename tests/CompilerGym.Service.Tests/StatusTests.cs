using CompilerGym.Service.Sandboxing;
using System.Diagnostics;
using CompilerGym.Service.Hosting;
using Google.Protobuf;
using Grpc.Core;
using Proto = CompilerGym.Protocol.V1;

namespace CompilerGym.Service.Tests;

/// <summary>Requests a well-behaved client would not send get a clear status, a short message, and the connection goes on.</summary>
[Collection(ServerCollection.Name)]
public class StatusTests(TestServer server)
{
    private static readonly Marshaller<byte[]> s_bytes = Marshallers.Create(bytes => bytes, bytes => bytes);

    // Bytes no message parses: a zero tag; a field that claims more bytes than follow; a varint that never ends.
    public static readonly TheoryData<byte[]> Malformed = new() { new byte[] { 0x00 }, new byte[] { 0x0A, 0x05, 0x61 }, Enumerable.Repeat((byte)0xFF, 11).ToArray() };

    private Proto.CompilerGym.CompilerGymClient Client => server.Client;

    private static Method<byte[], byte[]> Raw(MethodType type, string name) => new(type, Proto.CompilerGym.Descriptor.FullName, name, s_bytes, s_bytes);

    [Fact]
    public async Task An_unknown_id_of_any_length_is_quoted_in_short_and_the_connection_goes_on()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = new string('x', 100_000) }));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.StartsWith($"unknown session '{new string('x', ErrorStatuses.MaxRun)}... (100000 characters)'", error.Status.Detail);
        Assert.True(error.Status.Detail.Length <= ErrorStatuses.MaxDetail, $"a detail of {error.Status.Detail.Length} characters");

        // Calls on the same connection go on.
        var version = await Client.GetVersionAsync(new Proto.GetVersionRequest());
        Assert.Equal("compiler_gym.v1", version.Protocol);
    }

    [Fact]
    public void A_long_message_keeps_its_start_and_end_and_gives_its_length()
    {
        string message = $"steps {string.Join(", ", Enumerable.Repeat("'gvn'", 5000))} ran past the time limit";
        string bounded = ErrorStatuses.Bounded(message);
        Assert.True(bounded.Length <= ErrorStatuses.MaxDetail, $"{bounded.Length} characters");
        Assert.StartsWith("steps 'gvn', 'gvn'", bounded);
        Assert.Contains($" ... ({message.Length} characters in all) ... ", bounded);
        Assert.EndsWith("'gvn' ran past the time limit", bounded);
        Assert.Equal("short 'and' sweet", ErrorStatuses.Bounded("short 'and' sweet"));
    }

    [Fact]
    public async Task An_upload_past_kestrels_default_body_limit_but_within_the_message_limit_reaches_the_service()
    {
        // 40 MB: above Kestrel's default 30,000,000-byte body limit, below the service's 64 MiB.
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client.AddBenchmarkAsync(new Proto.AddBenchmarkRequest
        {
            Name = "../big",
            Program = ByteString.CopyFrom(new byte[40_000_000]),
        }));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("benchmark name", error.Status.Detail);
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_message_to_any_call_is_an_invalid_argument(byte[] message)
    {
        var invoker = server.Channel.CreateCallInvoker();
        foreach (var method in Proto.CompilerGym.Descriptor.Methods.Where(m => !m.IsClientStreaming && !m.IsServerStreaming))
        {
            var error = await Assert.ThrowsAsync<RpcException>(async () =>
                await invoker.AsyncUnaryCall(Raw(MethodType.Unary, method.Name), null, new CallOptions(), message));
            Assert.True(error.StatusCode == StatusCode.InvalidArgument, $"{method.Name}: {error.Status}");
            Assert.Contains($"malformed {method.InputType.Name}", error.Status.Detail);
        }
    }

    [Fact]
    public async Task A_malformed_call_on_the_stream_is_answered_in_its_place_and_the_stream_goes_on()
    {
        using var calls = server.Channel.CreateCallInvoker().AsyncDuplexStreamingCall(Raw(MethodType.DuplexStreaming, "Calls"), null, new CallOptions());
        async Task<Proto.CallReply> Call(byte[] request)
        {
            await calls.RequestStream.WriteAsync(request);
            Assert.True(await calls.ResponseStream.MoveNext(CancellationToken.None));
            return Proto.CallReply.Parser.ParseFrom(calls.ResponseStream.Current);
        }
        byte[] GetState(string id) => new Proto.CallRequest { GetState = new Proto.GetStateRequest { SessionId = id } }.ToByteArray();

        var unknown = await Call(GetState("no-such-session"));
        Assert.Equal((int)StatusCode.NotFound, unknown.Error.Code);
        var malformed = await Call([0x0A, 0x05, 0x61]);
        Assert.Equal((int)StatusCode.InvalidArgument, malformed.Error.Code);
        Assert.Contains("malformed CallRequest", malformed.Error.Message);
        var longId = await Call(GetState(new string('y', 5000)));
        Assert.Equal((int)StatusCode.NotFound, longId.Error.Code);
        Assert.Contains("(5000 characters)", longId.Error.Message);
        Assert.True(longId.Error.Message.Length <= ErrorStatuses.MaxDetail);

        await calls.RequestStream.CompleteAsync();
        Assert.False(await calls.ResponseStream.MoveNext(CancellationToken.None));
    }
}

public sealed class ColdServer() : TestServer(new() { ["Service:WarmWorkers"] = "0" });

/// <summary>A worker that dies between calls is replaced at the next call, which is served.</summary>
public class IdleWorkerDeathTests(ColdServer server) : IClassFixture<ColdServer>
{
    [Fact]
    public async Task A_session_whose_worker_was_killed_while_idle_is_restored_and_its_next_call_served()
    {
        var client = server.Client;
        var session = await client.StartSessionAsync(new Proto.StartSessionRequest
        {
            Benchmark = "benchmark://builtin-v0/crc32",
            ObservationSpace = "IrInstructionCount",
        });
        string id = session.SessionId;
        var stepped = await client.StepAsync(new Proto.StepRequest { SessionId = id, ActionNames = { "mem2reg" } });
        var fork = await client.ForkAsync(new Proto.ForkRequest { SessionId = id });

        // No warm workers here: the one worker of this server is the session's (and its fork's).
        int pid = WorkerPids().Single();
        Process.GetProcessById(pid).Kill();
        // Idle until the server's own process handle (the runtime shares one per child) sees it exit.
        var deadline = Stopwatch.StartNew();
        while (!Exited(pid) && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
        Assert.True(Exited(pid));

        var observed = await client.StepAsync(new Proto.StepRequest { SessionId = id });
        Assert.Equal(stepped.Observation.Int64Scalar, observed.Observation.Int64Scalar);
        await client.StepAsync(new Proto.StepRequest { SessionId = id, ActionNames = { "gvn" } });
        Assert.Equal(["mem2reg", "gvn"], (await client.GetStateAsync(new Proto.GetStateRequest { SessionId = id })).State.Actions);
        Assert.Equal(["mem2reg"], (await client.GetStateAsync(new Proto.GetStateRequest { SessionId = fork.SessionId })).State.Actions);
        Assert.DoesNotContain(pid, WorkerPids());

        await client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = id });
        await client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = fork.SessionId });
    }

    // The workers of this server: their command lines name its upload folder (as do those of the sandboxes around them).
    private List<int> WorkerPids() =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out int pid) ? pid : 0)
            .Where(pid => pid > 0 && IsAlive(pid) && CommandLine(pid) is var line && line.Contains(server.UserBenchmarks)
                && !line.StartsWith(Sandbox.Bubblewrap, StringComparison.Ordinal))];

    private static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline"); }
        catch (IOException) { return ""; }
    }

    private static bool Exited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    // Alive: neither gone nor a zombie ("pid (name) Z ..." in /proc/PID/stat).
    private static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException) { return false; }
    }
}
