using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Proto = CompilerGym.Protocol.V1;

namespace CompilerGym.Service.Tests;

/// <summary>Work a client asks for, and then stops waiting for, stops; nothing of it stays behind.</summary>
public class CancellationTests(CancellationTests.Server server) : IClassFixture<CancellationTests.Server>
{
    public sealed class Server() : TestServer(new() { ["Service:WarmWorkers"] = "1" });

    private Proto.CompilerGym.CompilerGymClient Client => server.Client;

    [Fact]
    public async Task A_start_session_abandoned_by_its_client_leaves_no_session_and_no_worker()
    {
        Assert.True(await Until(() => server.Workers.LiveCount == 1), "the warm worker did not start");
        using var cancel = new CancellationTokenSource();
        var call = Client.StartSessionAsync(Slow.Start(), cancellationToken: cancel.Token);
        // Cancelled once the pool has replaced the warm worker the call took: from then on, the only
        // worker beyond the warm one is the call's.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.True(await Until(() => server.Workers.LiveCount == 2), "the pool did not replace its warm worker");
        cancel.Cancel();
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);

        var clock = Stopwatch.StartNew();
        Assert.True(await Until(() => server.Sessions.Count == 0 && server.Workers.LiveCount == 1),
            $"{server.Sessions.Count} sessions and {server.Workers.LiveCount} workers {clock.Elapsed.TotalSeconds:F0} s after the cancellation");
    }

    [Fact]
    public async Task Steps_whose_deadline_passed_while_running_or_waiting_are_not_applied()
    {
        var session = await Client.StartSessionAsync(new Proto.StartSessionRequest
        {
            Benchmark = Slow.Benchmark,
            ObservationSpace = "IrInstructionCount",
        });
        string id = session.SessionId;
        var before = await Client.StepAsync(new Proto.StepRequest { SessionId = id, ActionNames = { "mem2reg", "instcombine" } });

        var clock = Stopwatch.StartNew();
        var running = Client.StepAsync(Slow.Step(id), deadline: DateTime.UtcNow.AddSeconds(2));
        // A quick step queued behind the slow one, whose deadline passes before its turn.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var waiting = Client.StepAsync(new Proto.StepRequest { SessionId = id, ActionNames = { "gvn" } }, deadline: DateTime.UtcNow.AddSeconds(1));
        Assert.Equal(StatusCode.DeadlineExceeded, (await Assert.ThrowsAsync<RpcException>(async () => await waiting)).StatusCode);
        Assert.Equal(StatusCode.DeadlineExceeded, (await Assert.ThrowsAsync<RpcException>(async () => await running)).StatusCode);

        // The state waits for the session to be free again: stopped, not run to its end (or to the
        // step limit of 60 s), and restored without either step.
        var state = await Client.GetStateAsync(new Proto.GetStateRequest { SessionId = id });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the session was busy for {clock.Elapsed.TotalSeconds:F0} s");
        Assert.Equal(["mem2reg", "instcombine"], state.State.Actions);
        var observed = await Client.StepAsync(new Proto.StepRequest { SessionId = id });
        Assert.Equal(before.Observation.Int64Scalar, observed.Observation.Int64Scalar);
        await Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = id });
    }

    [Fact]
    public async Task A_session_reset_to_another_environment_is_restored_as_it_is()
    {
        var session = await Client.StartSessionAsync(new Proto.StartSessionRequest
        {
            Benchmark = Slow.Benchmark,
            ObservationSpace = "IrInstructionCount",
            RewardSpace = "IrInstructionCount",
        });
        // The fork shares the session's worker; the session then becomes an mlir-v0 one, whose env
        // has no observation or reward space of llvm-v0's.
        var fork = await Client.ForkAsync(new Proto.ForkRequest { SessionId = session.SessionId });
        await Client.ResetAsync(new Proto.ResetRequest { SessionId = session.SessionId, Benchmark = "benchmark://mlir-linalg-v0/matmul?m=8&n=8&k=8" });

        // The fork's abandoned step ends the shared worker, so the session is restored from its record at its next request.
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.StepAsync(Slow.Step(fork.SessionId), deadline: DateTime.UtcNow.AddSeconds(1)));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        await Client.StepAsync(new Proto.StepRequest { SessionId = session.SessionId, ActionNames = { "tile-d0-1" } });
        var state = (await Client.GetStateAsync(new Proto.GetStateRequest { SessionId = session.SessionId })).State;
        Assert.Equal("mlir-22-loop-nest", state.ActionSpace);
        Assert.Equal(["tile-d0-1"], state.Actions);
        Assert.Equal("", state.RewardSpace);

        await Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = session.SessionId });
        await Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = fork.SessionId });
    }

    private static async Task<bool> Until(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(20)) return false;
            await Task.Delay(50);
        }
        return true;
    }
}

/// <summary>Actions a client gives to StartSession or Validate are held to the step limit, as steps are.</summary>
public class ClientActionLimitTests(TimeLimitedServer server) : IClassFixture<TimeLimitedServer>
{
    private Proto.CompilerGym.CompilerGymClient Client => server.Client;

    [Fact]
    public async Task Actions_given_to_start_a_session_give_what_a_step_of_them_gives()
    {
        var started = await Client.StartSessionAsync(new Proto.StartSessionRequest
        {
            Benchmark = "benchmark://builtin-v0/crc32",
            ObservationSpace = "IrInstructionCount",
            Actions = { "mem2reg", "gvn" },
        });
        var plain = await Client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = "benchmark://builtin-v0/crc32", ObservationSpace = "IrInstructionCount" });
        var stepped = await Client.StepAsync(new Proto.StepRequest { SessionId = plain.SessionId, ActionNames = { "mem2reg", "gvn" } });
        Assert.Equal(stepped.Observation.Int64Scalar, started.Observation.Int64Scalar);
        Assert.Equal(["mem2reg", "gvn"], (await Client.GetStateAsync(new Proto.GetStateRequest { SessionId = started.SessionId })).State.Actions);
        await Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = started.SessionId });
        await Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = plain.SessionId });
    }

    [Fact]
    public async Task Actions_given_to_start_a_session_are_stopped_at_the_step_limit()
    {
        int sessions = server.Sessions.Count;
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client.StartSessionAsync(Slow.Start()));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Contains("applying the actions given to start a session", error.Status.Detail);
        Assert.Contains("time limit", error.Status.Detail);
        // The step limit is 3 s here, the set-up limit 600 s.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"stopped only after {clock.Elapsed.TotalSeconds:F0} s");
        Assert.Equal(sessions, server.Sessions.Count);
    }

    [Fact]
    public async Task A_validation_replaying_a_state_is_stopped_at_the_step_limit()
    {
        var state = new Proto.State { Benchmark = Slow.Benchmark };
        state.Actions.AddRange(Slow.Actions);
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client.ValidateAsync(new Proto.ValidateRequest { State = state }));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Contains("replaying the state", error.Status.Detail);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"stopped only after {clock.Elapsed.TotalSeconds:F0} s");
    }
}

public sealed class SmallUploadQuotaServer() : TestServer(new() { ["Service:MaxUploadMiB"] = "1", ["Service:WarmWorkers"] = "0" });

/// <summary>The uploads a server keeps are bounded in bytes; the same program sent again is free.</summary>
public class UploadQuotaTests(SmallUploadQuotaServer server) : IClassFixture<SmallUploadQuotaServer>
{
    [Fact]
    public async Task An_upload_past_the_quota_is_refused_and_sending_one_again_is_free()
    {
        var client = server.Client;
        // 600 KB each: one fits in 1 MiB, two do not.
        var first = Program("first", 600_000);
        Assert.Equal("benchmark://user-v0/first", (await client.AddBenchmarkAsync(first)).Benchmark);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await client.AddBenchmarkAsync(Program("second", 600_000)));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("Service:MaxUploadMiB", error.Status.Detail);
        var listed = await client.ListBenchmarksAsync(new Proto.ListBenchmarksRequest { Dataset = "user-v0" });
        Assert.Equal(["benchmark://user-v0/first"], listed.Datasets.Single().Benchmarks);

        Assert.Equal("benchmark://user-v0/first", (await client.AddBenchmarkAsync(first)).Benchmark);
        Assert.Equal("benchmark://user-v0/small", (await client.AddBenchmarkAsync(Program("small", 1000))).Benchmark);
    }

    // A valid module of about the given size: a function, padded with comment lines.
    private static Proto.AddBenchmarkRequest Program(string name, int bytes)
    {
        var text = new System.Text.StringBuilder($"define i32 @{name}() {{\n  ret i32 0\n}}\n");
        while (text.Length < bytes) text.Append("; ").Append('x', 98).Append('\n');
        return new Proto.AddBenchmarkRequest { Name = name, Format = Proto.ProgramFormat.Ir, Program = ByteString.CopyFromUtf8(text.ToString()) };
    }
}

/// <summary>Work that takes far longer than any limit or deadline in these tests: thousands of GVN runs on a 10k-instruction program.</summary>
internal static class Slow
{
    public const string Benchmark = "benchmark://builtin-v0/interp";
    public static readonly string[] Actions = [.. Enumerable.Repeat("gvn", 20_000)];

    public static Proto.StartSessionRequest Start() => new() { Benchmark = Benchmark, Actions = { Actions } };

    public static Proto.StepRequest Step(string sessionId) => new() { SessionId = sessionId, ActionNames = { Actions } };
}
