using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Proto = CompilerGym.Protocol.V1;

namespace CompilerGym.Service.Tests;

[Collection(ServerCollection.Name)]
public class ServiceTests(TestServer server)
{
    private Proto.CompilerGym.CompilerGymClient Client => server.Client;

    [Fact]
    public async Task The_service_describes_itself()
    {
        var version = await Client.GetVersionAsync(new Proto.GetVersionRequest());
        Assert.Equal("compiler_gym.v1", version.Protocol);
        Assert.StartsWith("22.", version.LlvmVersion);

        var spaces = await Client.GetSpacesAsync(new Proto.GetSpacesRequest());
        var passes = spaces.ActionSpaces.Single(s => s.Name == spaces.DefaultActionSpace);
        Assert.Equal(Proto.SpaceKind.Discrete, passes.Kind);
        Assert.Equal(passes.Names.Count - 1, passes.Bounds.High);
        var autophase = spaces.ObservationSpaces.Single(s => s.Name == "Autophase");
        Assert.Equal([56], autophase.Shape);
        Assert.Equal(56, autophase.Names.Count);
        Assert.Contains(spaces.RewardSpaces, s => s.Name == "IrInstructionCountOz");

        var benchmarks = await Client.ListBenchmarksAsync(new Proto.ListBenchmarksRequest());
        Assert.Contains("benchmark://builtin-v0/qsort", benchmarks.Datasets.Single(d => d.Name == "builtin-v0").Benchmarks);
        Assert.Contains(benchmarks.Generators, g => g.Name == "csmith-v0");
    }

    [Fact]
    public async Task Every_listed_dataset_can_be_started_from()
    {
        var listed = await Client.ListBenchmarksAsync(new Proto.ListBenchmarksRequest());
        Assert.Contains(listed.Datasets, d => d.Name == "debian-v0");
        // A small one of each dataset that has benchmarks (debian-v0's toast builds in seconds).
        foreach (string benchmark in new[] { "benchmark://builtin-v0/crc32", "benchmark://debian-v0/toast" })
        {
            Assert.Contains(listed.Datasets, d => d.Benchmarks.Contains(benchmark));
            var session = await Client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = benchmark, ObservationSpace = "IrInstructionCount" });
            Assert.True(session.Observation.Int64Scalar > 0);
            await Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = session.SessionId });
        }
    }

    [Fact]
    public async Task The_mlir_environment_is_served_beside_the_llvm_one()
    {
        var spaces = await Client.GetSpacesAsync(new Proto.GetSpacesRequest { Environment = "mlir-v0" });
        Assert.Equal(["llvm-v0", "mlir-v0"], spaces.Environments);
        Assert.Equal("mlir-22-loop-nest", spaces.DefaultActionSpace);
        Assert.Contains(spaces.ObservationSpaces, s => s.Name == "LoopFeatures");
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await Client.GetSpacesAsync(new Proto.GetSpacesRequest { Environment = "gcc-v0" }));
        Assert.Equal(StatusCode.InvalidArgument, unknown.StatusCode);

        var listed = await Client.ListBenchmarksAsync(new Proto.ListBenchmarksRequest { Dataset = "mlir-linalg-v0" });
        Assert.Contains("benchmark://mlir-linalg-v0/matmul", listed.Datasets.Single().Benchmarks);
        var session = await Client.StartSessionAsync(new Proto.StartSessionRequest
        {
            Benchmark = "benchmark://mlir-linalg-v0/conv2d?n=1&h=8&w=8&c=4&f=4",
            ObservationSpace = "LlvmInstructionCount",
            Actions = { "tile-d0-1" },
        });
        Assert.Equal("mlir-22-loop-nest", session.ActionSpace.Name);
        Assert.True(session.Observation.Int64Scalar > 0);
        var bad = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.StepAsync(new Proto.StepRequest { SessionId = session.SessionId, ActionNames = { "gvn" } }));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        await Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = session.SessionId });
    }

    [Fact]
    public async Task Health_checking_and_reflection_are_on()
    {
        var health = new Health.HealthClient(server.Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);

        var reflection = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(server.Channel);
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Contains(call.ResponseStream.Current.ListServicesResponse.Service, s => s.Name == "compiler_gym.v1.CompilerGym");
    }

    [Fact]
    public async Task A_step_returns_what_was_asked_and_a_fork_is_independent()
    {
        var session = await Client.StartSessionAsync(new Proto.StartSessionRequest
        {
            Benchmark = "benchmark://builtin-v0/crc32",
            ObservationSpace = "IrInstructionCount",
            RewardSpace = "IrInstructionCountOz",
        });
        var step = await Client.StepAsync(new Proto.StepRequest
        {
            SessionId = session.SessionId,
            ActionNames = { "mem2reg", "instcombine" },
            ObservationSpaces = { "Autophase", "IrSha1" },
            RewardSpaces = { "ObjectTextSizeOz" },
        });
        Assert.True(step.IrChanged);
        Assert.True(step.Reward > 0);
        Assert.Equal(56, step.Observations["Autophase"].Int64Vector.Values.Count);
        Assert.Equal(40, step.Observations["IrSha1"].Text.Length);
        Assert.True(step.Rewards.ContainsKey("ObjectTextSizeOz"));

        var fork = await Client.ForkAsync(new Proto.ForkRequest { SessionId = session.SessionId });
        var forkStep = await Client.StepAsync(new Proto.StepRequest { SessionId = fork.SessionId, ActionNames = { "simplifycfg" } });
        var sourceObserved = await Client.StepAsync(new Proto.StepRequest { SessionId = session.SessionId });
        Assert.Equal(step.Observation.Int64Scalar, sourceObserved.Observation.Int64Scalar);
        Assert.NotEqual(step.Observation.Int64Scalar, forkStep.Observation.Int64Scalar);

        var forkState = (await Client.GetStateAsync(new Proto.GetStateRequest { SessionId = fork.SessionId })).State;
        Assert.Equal(["mem2reg", "instcombine", "simplifycfg"], forkState.Actions);
        Assert.Equal(step.Reward!.Value + forkStep.Reward!.Value, forkState.Reward!.Value, 9);
        var validation = await Client.ValidateAsync(new Proto.ValidateRequest { State = forkState });
        Assert.True(validation.Ok, string.Join("; ", validation.Errors));

        forkState.Reward = forkState.Reward + 1;
        var wrong = await Client.ValidateAsync(new Proto.ValidateRequest { State = forkState });
        Assert.False(wrong.Ok);
        Assert.Contains("does not reproduce", wrong.Errors.Single());

        await Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = fork.SessionId });
        await Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = session.SessionId });
    }

    [Fact]
    public async Task The_call_stream_answers_in_order_and_survives_a_failed_call()
    {
        var session = await Client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = "benchmark://builtin-v0/crc32", ObservationSpace = "IrInstructionCount" });
        using var calls = Client.Calls();
        async Task<Proto.CallReply> Call(Proto.CallRequest request)
        {
            await calls.RequestStream.WriteAsync(request);
            Assert.True(await calls.ResponseStream.MoveNext(CancellationToken.None));
            return calls.ResponseStream.Current;
        }
        var stepped = await Call(new() { Step = new Proto.StepRequest { SessionId = session.SessionId, ActionNames = { "mem2reg" } } });
        Assert.True(stepped.Step.Observation.Int64Scalar < session.Observation.Int64Scalar);
        var failed = await Call(new() { Step = new Proto.StepRequest { SessionId = session.SessionId, Actions = { 5000 } } });
        Assert.Equal((int)StatusCode.InvalidArgument, failed.Error.Code);
        Assert.Contains("out of range", failed.Error.Message);
        var state = await Call(new() { GetState = new Proto.GetStateRequest { SessionId = session.SessionId } });
        Assert.Equal(["mem2reg"], state.GetState.State.Actions);
        var unknown = await Call(new() { Step = new Proto.StepRequest { SessionId = "no-such-session" } });
        Assert.Equal((int)StatusCode.NotFound, unknown.Error.Code);
        await Call(new() { EndSession = new Proto.EndSessionRequest { SessionId = session.SessionId } });
        await calls.RequestStream.CompleteAsync();
        Assert.False(await calls.ResponseStream.MoveNext(CancellationToken.None));
    }

    [Fact]
    public async Task An_uploaded_program_becomes_a_benchmark_under_its_name()
    {
        const string program = """
            int square(int x) { return x * x; }
            int main(void) { int s = 0; for (int i = 0; i < 10; i++) s += square(i); return s == 285 ? 0 : 1; }
            """;
        var added = await Client.AddBenchmarkAsync(new Proto.AddBenchmarkRequest { Name = "squares", Program = ByteString.CopyFromUtf8(program) });
        Assert.Equal("benchmark://user-v0/squares", added.Benchmark);
        Assert.True(added.IrInstructionCount > 10);

        var session = await Client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = added.Benchmark, ObservationSpace = "IrInstructionCount" });
        Assert.Equal(added.IrInstructionCount, session.Observation.Int64Scalar);
        await Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = session.SessionId });

        // The same program again is fine; another program under the name is not.
        await Client.AddBenchmarkAsync(new Proto.AddBenchmarkRequest { Name = "squares", Program = ByteString.CopyFromUtf8(program) });
        var error = await Assert.ThrowsAsync<RpcException>(async () => await Client.AddBenchmarkAsync(
            new Proto.AddBenchmarkRequest { Name = "squares", Program = ByteString.CopyFromUtf8(program.Replace("285", "286")) }));
        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        var listed = await Client.ListBenchmarksAsync(new Proto.ListBenchmarksRequest { Dataset = "user-v0" });
        Assert.Contains(added.Benchmark, listed.Datasets.Single().Benchmarks);
    }

    [Fact]
    public async Task Thirty_two_sessions_step_concurrently_and_leave_no_workers_behind()
    {
        string[] actions = ["mem2reg", "instcombine", "simplifycfg", "gvn", "adce"];
        using var local = new Llvm.Env.LlvmEnv();
        local.Reset("benchmark://builtin-v0/crc32");
        local.Step(actions);
        long expected = (long)local.Observe("IrInstructionCount").AsDouble();
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(async i =>
        {
            var session = await Client.StartSessionAsync(new Proto.StartSessionRequest
            {
                Benchmark = "benchmark://builtin-v0/crc32",
                ObservationSpace = "IrInstructionCount",
            });
            long count = 0;
            foreach (string action in actions)
                count = (await Client.StepAsync(new Proto.StepRequest { SessionId = session.SessionId, ActionNames = { action } })).Observation.Int64Scalar;
            await Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = session.SessionId });
            return count;
        }));
        // Every session ran the same actions on the same program: the in-process answer, 32 times.
        Assert.All(results, count => Assert.Equal(expected, count));
        Assert.True(server.Workers.LiveCount <= 8, $"{server.Workers.LiveCount} workers alive after all sessions ended");
    }
}

public sealed class TokenServer() : TestServer(new() { ["Service:Token"] = "s3cret" });

public class TokenTests(TokenServer server) : IClassFixture<TokenServer>
{
    [Fact]
    public async Task Calls_without_the_right_token_are_refused()
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(server.Address);
        var client = new Proto.CompilerGym.CompilerGymClient(channel);
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await client.GetSpacesAsync(new Proto.GetSpacesRequest()));
        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
        var wrong = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.GetSpacesAsync(new Proto.GetSpacesRequest(), new Metadata { { "authorization", "Bearer guess" } }));
        Assert.Equal(StatusCode.PermissionDenied, wrong.StatusCode);
        // A configured token is in no file the refusals could name.
        Assert.Equal("the bearer token is wrong", wrong.Status.Detail);
        var right = await client.GetSpacesAsync(new Proto.GetSpacesRequest(), new Metadata { { "authorization", "Bearer s3cret" } });
        Assert.NotEmpty(right.ActionSpaces);
    }

    [Fact]
    public void Listening_beyond_loopback_without_a_configured_token_is_refused()
    {
        // The default token file is for this machine's clients, which send it to loopback only.
        var error = Assert.Throws<InvalidOperationException>(() =>
            Hosting.ServiceHost.Build([], [new("Service:Host", "0.0.0.0"), new("Service:Port", "0")]));
        Assert.Contains("needs a token", error.Message);
    }

    [Theory]
    [InlineData("Port", "70000", "Service:Port must be 0 to 65535")]
    [InlineData("StepTimeLimitSeconds", "0", "Service:StepTimeLimitSeconds must be positive")]
    [InlineData("WarmWorkers", "-1", "Service:WarmWorkers must be 0 or more")]
    public void Settings_out_of_range_are_refused_by_name(string setting, string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Hosting.ServiceHost.Build([], [new($"Service:{setting}", value)]));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void An_environment_assembly_that_cannot_be_loaded_or_declares_none_is_refused_by_name()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-environments.dll");
        var error = Assert.Throws<InvalidOperationException>(() =>
            Hosting.ServiceHost.Build([], [new("Service:Port", "0"), new("Service:EnvironmentAssemblies:0", missing)]));
        Assert.StartsWith($"Service:EnvironmentAssemblies: no environments from {missing}", error.Message);

        // An assembly that loads but registers no environment (this test's own).
        string none = typeof(TokenTests).Assembly.Location;
        error = Assert.Throws<InvalidOperationException>(() =>
            Hosting.ServiceHost.Build([], [new("Service:Port", "0"), new("Service:EnvironmentAssemblies:0", none)]));
        Assert.Contains("declares no environment", error.Message);
    }
}

public sealed class ShortLivedServer() : TestServer(new()
{
    ["Service:IdleTimeoutSeconds"] = "1",
    ["Service:ReapIntervalSeconds"] = "0.2",
    ["Service:WarmWorkers"] = "0",
});

public class ReclaimTests(ShortLivedServer server) : IClassFixture<ShortLivedServer>
{
    [Fact]
    public async Task Idle_sessions_are_reclaimed_with_their_workers()
    {
        var session = await server.Client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = "benchmark://builtin-v0/crc32" });
        Assert.Equal(1, server.Workers.LiveCount);
        var deadline = Stopwatch.StartNew();
        while ((server.Sessions.Count > 0 || server.Workers.LiveCount > 0) && deadline.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(100);
        Assert.Equal(0, server.Sessions.Count);
        Assert.Equal(0, server.Workers.LiveCount);
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.Client.StepAsync(new Proto.StepRequest { SessionId = session.SessionId }));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }
}

public sealed class OrphanServer() : TestServer(new()
{
    ["Service:OrphanTimeoutSeconds"] = "0.5",
    ["Service:ReapIntervalSeconds"] = "0.2",
    ["Service:WarmWorkers"] = "0",
});

public class OrphanTests(OrphanServer server) : IClassFixture<OrphanServer>
{
    [Fact]
    public async Task Sessions_of_a_client_that_went_away_are_reclaimed()
    {
        using (var channel = server.OpenChannel())
        {
            var client = new Proto.CompilerGym.CompilerGymClient(channel);
            await client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = "benchmark://builtin-v0/crc32" });
            Assert.Equal(1, server.Sessions.Count);
        }
        var deadline = Stopwatch.StartNew();
        while ((server.Sessions.Count > 0 || server.Workers.LiveCount > 0) && deadline.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(100);
        Assert.Equal(0, server.Sessions.Count);
        Assert.Equal(0, server.Workers.LiveCount);
    }
}

public class StoppingTests
{
    [Fact]
    public async Task A_stopping_server_ends_an_idle_call_stream_rather_than_wait_for_it()
    {
        var server = new TestServer();
        await server.InitializeAsync();
        try
        {
            var session = await server.Client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = "benchmark://builtin-v0/crc32" });
            using var calls = server.Client.Calls();
            await calls.RequestStream.WriteAsync(new() { GetState = new Proto.GetStateRequest { SessionId = session.SessionId } });
            Assert.True(await calls.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal("benchmark://builtin-v0/crc32", calls.ResponseStream.Current.GetState.State.Benchmark);

            // The host's shutdown time-out is 30 s: a stream the server waited for would hold the stop that long.
            var clock = Stopwatch.StartNew();
            var stopping = server.StopAsync();
            var ended = await Assert.ThrowsAsync<RpcException>(() => calls.ResponseStream.MoveNext(CancellationToken.None));
            // The stream ends with UNAVAILABLE, unless the stopping server closed the connection
            // before its trailers were read: a client sees its gateway gone either way.
            if (ended.Status.DebugException is not System.Net.Http.HttpProtocolException)
            {
                Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
                Assert.Contains("stopping", ended.Status.Detail);
            }
            await stopping;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the server took {clock.Elapsed.TotalSeconds:F1} s to stop");
        }
        finally { await server.DisposeAsync(); }
    }
}

/// <summary>A server given a certificate speaks TLS (here a self-signed one made for the test).</summary>
public sealed class TlsServer() : TestServer(new()
{
    ["Service:CertificatePath"] = TlsCertificate.Path,
    ["Service:CertificatePassword"] = TlsCertificate.Password,
    ["Service:Token"] = "s3cret",
    ["Service:WarmWorkers"] = "0",
});

public static class TlsCertificate
{
    public const string Password = "test";
    public static string Path { get; } = Create();

    private static string Create()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=localhost", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        string folder = Directory.CreateTempSubdirectory("cgym-tls-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        string path = System.IO.Path.Combine(folder, "server.pfx");
        File.WriteAllBytes(path, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, Password));
        return path;
    }
}

public class TlsTests(TlsServer server) : IClassFixture<TlsServer>
{
    [Fact]
    public async Task A_server_with_a_certificate_speaks_tls()
    {
        Assert.StartsWith("https://", server.Address);
        var handler = new SocketsHttpHandler();
        // The test's certificate is self-signed: trust exactly it.
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.Subject == "CN=localhost";
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(server.Address, new Grpc.Net.Client.GrpcChannelOptions { HttpHandler = handler });
        var client = new Proto.CompilerGym.CompilerGymClient(channel);
        var spaces = await client.GetSpacesAsync(new Proto.GetSpacesRequest(), new Metadata { { "authorization", "Bearer s3cret" } });
        Assert.NotEmpty(spaces.ActionSpaces);
    }
}

/// <summary>A server that opens no file a client names, as one listening beyond loopback does by default.</summary>
public sealed class ClosedFilesServer() : TestServer(new() { ["Service:AllowFileBenchmarks"] = "false", ["Service:WarmWorkers"] = "0" });

public class ClosedFilesTests(ClosedFilesServer server) : IClassFixture<ClosedFilesServer>
{
    private async Task<RpcException> Refused(Proto.StartSessionRequest request)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await server.Client.StartSessionAsync(request));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        return error;
    }

    [Fact]
    public async Task Files_named_by_clients_are_refused_as_benchmarks_and_in_pass_options()
    {
        Assert.Contains("upload the program", (await Refused(new() { Benchmark = "file:///etc/hostname" })).Status.Detail);
        // Pass options that read files, in MLIR's syntax and in LLVM's.
        var mlir = await Refused(new()
        {
            Benchmark = "benchmark://mlir-linalg-v0/matmul?m=16&n=16&k=16",
            CustomActions = { "tile[8]", "transform-preload-library{transform-library-paths=/etc/hostname}" },
        });
        Assert.Contains("'transform-library-paths'", mlir.Status.Detail);
        var llvm = await Refused(new() { Benchmark = "benchmark://builtin-v0/crc32", CustomActions = { "memprof-use<profile-filename=/etc/hostname>" } });
        Assert.Contains("'profile-filename'", llvm.Status.Detail);
        Assert.Equal(0, server.Sessions.Count);

        // Custom actions that name no file are served as on any server.
        var session = await server.Client.StartSessionAsync(new Proto.StartSessionRequest
        {
            Benchmark = "benchmark://mlir-linalg-v0/matmul?m=16&n=16&k=16", CustomActions = { "tile[8]", "canonicalize" },
        });
        Assert.Equal("mlir-22-custom", session.ActionSpace.Name);
        await server.Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = session.SessionId });
    }
}
