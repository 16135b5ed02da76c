using System.Diagnostics;
using System.Text;
using CompilerGym.Service.Hosting;
using Google.Protobuf;
using Grpc.Core;
using Xunit.Abstractions;
using Proto = CompilerGym.Protocol.V1;

namespace CompilerGym.Service.Tests;

/// <summary>
/// About 2,000 random and mutated requests over every call of the contract, drawn from a fixed seed,
/// on a server that opens no client files. Each gets a status a client can act on: never UNKNOWN,
/// never INTERNAL without a message, never a message past the bound, never ABORTED (every session
/// the fuzz makes can be restored). Afterwards the server answers, an episode gives exactly what it
/// gave before, and once the sessions made end, no session or worker is left.
/// </summary>
public class FuzzTests(FuzzTests.Server server, ITestOutputHelper output) : IClassFixture<FuzzTests.Server>
{
    public sealed class Server() : TestServer(new() { ["Service:AllowFileBenchmarks"] = "false", ["Service:WarmWorkers"] = "1" });

    private const int Seed = 16;
    private const int UnaryRequests = 1_350;
    private const int RawRequests = 400;
    private const int StreamedRequests = 250;

    [Fact]
    public async Task Random_and_mutated_requests_get_clear_statuses_and_leave_nothing_behind()
    {
        var client = server.Client;
        var spaces = await client.GetSpacesAsync(new Proto.GetSpacesRequest());
        var before = await Episode(client);

        var clock = Stopwatch.StartNew();
        var fuzz = new Fuzzer(new Random(Seed), server.Channel, spaces);
        for (int i = 0; i < UnaryRequests; i++) await fuzz.UnaryAsync();
        for (int i = 0; i < RawRequests; i++) await fuzz.RawAsync();
        await fuzz.StreamAsync(StreamedRequests);
        clock.Stop();

        Assert.True(fuzz.Faults.Count == 0, $"{fuzz.Faults.Count} bad answers, e.g.:\n{string.Join("\n", fuzz.Faults.Take(10))}");
        // Enough requests must be well-formed enough to be served for the run to reach past the checks.
        Assert.True(fuzz.Succeeded > 200, $"only {fuzz.Succeeded} requests succeeded: {fuzz.Summary()}");
        Assert.True(fuzz.SessionsStarted.Count > 5, $"only {fuzz.SessionsStarted.Count} sessions were made: {fuzz.Summary()}");

        Assert.Equal("compiler_gym.v1", (await client.GetVersionAsync(new Proto.GetVersionRequest())).Protocol);
        Assert.Equal(before, await Episode(client));

        foreach (string id in fuzz.SessionsStarted)
        {
            try { await client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = id }); }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound) { } // ended by the fuzz itself
        }
        Assert.Equal(0, server.Sessions.Count);
        var settle = Stopwatch.StartNew();
        while (server.Workers.LiveCount != 1 && settle.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(50);
        Assert.Equal(1, server.Workers.LiveCount);
        output.WriteLine($"{fuzz.Total} requests in {clock.Elapsed.TotalSeconds:F1} s; {fuzz.Summary()}");
    }

    // A fixed episode's every observation and reward, as text.
    private static async Task<List<string>> Episode(Proto.CompilerGym.CompilerGymClient client)
    {
        var start = await client.StartSessionAsync(new Proto.StartSessionRequest
        {
            Benchmark = "benchmark://builtin-v0/crc32",
            ObservationSpace = "Autophase",
            RewardSpace = "IrInstructionCountOz",
        });
        var seen = new List<string> { start.Observation.ToString() };
        foreach (string action in new[] { "mem2reg", "gvn", "simplifycfg", "instcombine", "licm", "loop-unroll" })
        {
            var step = await client.StepAsync(new Proto.StepRequest
            {
                SessionId = start.SessionId,
                ActionNames = { action },
                ObservationSpaces = { "IrInstructionCount", "IrSha1" },
            });
            seen.Add($"{step.Observation} {step.Reward} {step.IrChanged} {step.Observations["IrInstructionCount"]} {step.Observations["IrSha1"]}");
        }
        var state = await client.GetStateAsync(new Proto.GetStateRequest { SessionId = start.SessionId });
        seen.Add($"{string.Join(",", state.State.Actions)} {state.State.Reward} {state.Commandline}");
        await client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = start.SessionId });
        return seen;
    }

    /// <summary>Makes the requests, checks each answer, and keeps the sessions made so it can use and end them.</summary>
    private sealed class Fuzzer(Random random, Grpc.Net.Client.GrpcChannel channel, Proto.GetSpacesReply spaces)
    {
        private static readonly Marshaller<byte[]> s_bytes = Marshallers.Create(bytes => bytes, bytes => bytes);
        private static readonly string[] s_goodBenchmarks = ["benchmark://builtin-v0/crc32", "benchmark://mlir-linalg-v0/matmul?m=8&n=8&k=8"];
        private static readonly string[] s_badBenchmarks =
        [
            "benchmark://", "benchmark://builtin-v0/", "benchmark://builtin-v0/no-such-program", "benchmark://no-such-v0/x",
            "generator://csmith-v0/not-a-seed", "generator://llvm-stress-v0/-1", "generator://no-such-generator/1",
            "file:///etc/passwd", "file:///", "/etc/passwd", "benchmark://builtin-v0/crc32?target=no-such-triple",
            "benchmark://builtin-v0/crc32?target=x86_64-linux-gnu&target=y", "benchmark://user-v0/../../etc/passwd",
            "benchmark://user-v0/no-such-upload", "benchmark://mlir-linalg-v0/matmul?m=-1&n=0&k=99999999999",
            "http://example.com/x.c", "benchmark://builtin-v0/crc32\0", "BENCHMARK://BUILTIN-V0/CRC32",
        ];
        private static readonly string[] s_pipelines =
            ["function(instcombine)", "sroa", "function(simplifycfg<bonus-inst-threshold=2>)", "function(no-such-pass)", "module(",
             "function(instcombine", "tile[8]", "canonicalize", "memprof-use<profile-filename=/etc/passwd>"];
        // Pieces of names and URIs, control characters, and characters of one to four UTF-8 bytes.
        private static readonly string[] s_junk =
            ["a", "Z", "0", "-", "_", ".", "/", ":", "%", "?", "&", "=", "<", ">", "{", "}", "(", ")", "[", "]", ",", ";", "'", "\"", " ", "\t", "\n", "\0", "é", "中", "😀", "://", ".."];
        private static readonly string[] s_programs =
            ["define i32 @f() {\n  ret i32 0\n}\n", "int main(void) { return 0; }\n", "define i32 @f( {", "BC\u00c0\u00de garbage", "int main(void) { return x; }"];

        private readonly CallInvoker _invoker = channel.CreateCallInvoker();
        private readonly Proto.CompilerGym.CompilerGymClient _client = new(channel);
        private readonly Dictionary<string, int> _statuses = [];
        private readonly List<string> _live = [];
        private readonly string[] _actions = [.. spaces.ActionSpaces.First(s => s.Name == spaces.DefaultActionSpace).Names];
        // Cheap deterministic spaces only: a run-time measurement per request would take minutes.
        private readonly string[] _observations = [.. spaces.ObservationSpaces.Where(s => s.Deterministic && !s.PlatformDependent).Select(s => s.Name)];
        private readonly string[] _rewards = [.. spaces.RewardSpaces.Where(s => s.Deterministic && !s.PlatformDependent).Select(s => s.Name)];

        public List<string> Faults { get; } = [];
        public List<string> SessionsStarted { get; } = [];
        public int Succeeded { get; private set; }
        public int Total { get; private set; }

        public string Summary() => string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"));

        /// <summary>One typed request to a call chosen at random, with fields mutated at random.</summary>
        public Task UnaryAsync()
        {
            int pick = random.Next(1000);
            return pick switch
            {
                < 30 => Unary("GetVersion", o => _client.GetVersionAsync(new Proto.GetVersionRequest(), o)),
                < 90 => Unary("GetSpaces", o => _client.GetSpacesAsync(new Proto.GetSpacesRequest { Environment = OneOf("", "llvm-v0", "mlir-v0", "gcc-v0", Junk(), Huge()) }, o)),
                < 130 => Unary("ListBenchmarks", o => _client.ListBenchmarksAsync(new Proto.ListBenchmarksRequest { Dataset = OneOf("", "builtin-v0", "user-v0", "no-such-v0", Huge()) }, o)),
                < 145 => Unary("AddBenchmark", o => _client.AddBenchmarkAsync(AddBenchmark(), o)),
                < 170 => Unary("StartSession", o => _client.StartSessionAsync(StartSession(), o), r => Made(r.SessionId), makes: true),
                < 580 => Unary("Step", o => _client.StepAsync(Step(), o)),
                < 640 => Unary("StepBatch", o => _client.StepBatchAsync(StepBatch(), o), CheckOutcomes),
                < 700 => Unary("Reset", o => _client.ResetAsync(Reset(), o)),
                < 720 => Unary("ResetBatch", o => _client.ResetBatchAsync(ResetBatch(), o), CheckOutcomes),
                < 780 => Unary("Fork", o => _client.ForkAsync(new Proto.ForkRequest { SessionId = SessionId() }, o), r => Made(r.SessionId), makes: true),
                < 920 => Unary("GetState", o => _client.GetStateAsync(new Proto.GetStateRequest { SessionId = SessionId() }, o)),
                < 995 => EndSessionAsync(),
                _ => Unary("Validate", o => _client.ValidateAsync(Validate(), o)),
            };
        }

        private Task EndSessionAsync()
        {
            string id = SessionId();
            return Unary("EndSession", o => _client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = id }, o), _ => _live.Remove(id));
        }

        private void Made(string id)
        {
            SessionsStarted.Add(id);
            _live.Add(id);
        }

        /// <summary>Random bytes, or a valid request's bytes mutated, sent as the message of a call chosen at random.</summary>
        public async Task RawAsync()
        {
            // The calls that take a worker of their own come up less often: each costs a process start.
            var (name, message) = random.Next(100) switch
            {
                < 8 => ("GetVersion", (IMessage)new Proto.GetVersionRequest()),
                < 18 => ("GetSpaces", new Proto.GetSpacesRequest { Environment = "llvm-v0" }),
                < 28 => ("ListBenchmarks", new Proto.ListBenchmarksRequest { Dataset = "builtin-v0" }),
                < 32 => ("AddBenchmark", AddBenchmark()),
                < 36 => ("StartSession", StartSession()),
                < 52 => ("Step", Step()),
                < 58 => ("StepBatch", StepBatch()),
                < 64 => ("Reset", Reset()),
                < 66 => ("ResetBatch", ResetBatch()),
                < 74 => ("Fork", new Proto.ForkRequest { SessionId = SessionId() }),
                < 84 => ("GetState", new Proto.GetStateRequest { SessionId = SessionId() }),
                < 98 => ("EndSession", new Proto.EndSessionRequest { SessionId = SessionId() }),
                _ => ("Validate", Validate()),
            };
            var method = new Method<byte[], byte[]>(MethodType.Unary, Proto.CompilerGym.Descriptor.FullName, name, s_bytes, s_bytes);
            try
            {
                byte[] reply = await _invoker.AsyncUnaryCall(method, null, Options(makes: name is "StartSession" or "Fork"), Mutated(message.ToByteArray()));
                Check($"raw {name}", Status.DefaultSuccess);
                // A mutated request may still start a session: it must be ended too.
                if (name == "StartSession") Made(Proto.StartSessionReply.Parser.ParseFrom(reply).SessionId);
                if (name == "Fork") Made(Proto.ForkReply.Parser.ParseFrom(reply).SessionId);
            }
            catch (RpcException e) { Check($"raw {name}", e.Status); }
        }

        /// <summary>Session calls on one <c>Calls</c> stream, some of them bytes that may not parse: each is answered in its place.</summary>
        public async Task StreamAsync(int count)
        {
            var method = new Method<byte[], byte[]>(MethodType.DuplexStreaming, Proto.CompilerGym.Descriptor.FullName, "Calls", s_bytes, s_bytes);
            using var calls = _invoker.AsyncDuplexStreamingCall(method, null, new CallOptions());
            for (int i = 0; i < count; i++)
            {
                var request = random.Next(8) switch
                {
                    5 => new Proto.CallRequest { StepBatch = StepBatch() },
                    6 => new Proto.CallRequest { ResetBatch = ResetBatch() },
                    0 => new Proto.CallRequest { Reset = Reset() },
                    1 => new Proto.CallRequest { GetState = new Proto.GetStateRequest { SessionId = SessionId() } },
                    2 => new Proto.CallRequest { Fork = new Proto.ForkRequest { SessionId = SessionId() } },
                    3 => new Proto.CallRequest { EndSession = new Proto.EndSessionRequest { SessionId = SessionId() } },
                    4 when random.Next(4) == 0 => new Proto.CallRequest(),
                    _ => new Proto.CallRequest { Step = Step() },
                };
                byte[] bytes = random.Next(3) == 0 ? Mutated(request.ToByteArray()) : request.ToByteArray();
                await calls.RequestStream.WriteAsync(bytes);
                if (!await calls.ResponseStream.MoveNext(CancellationToken.None))
                {
                    Faults.Add($"Calls: the stream ended after {i} calls");
                    return;
                }
                var reply = Proto.CallReply.Parser.ParseFrom(calls.ResponseStream.Current);
                bool failed = reply.KindCase == Proto.CallReply.KindOneofCase.Error;
                Check($"Calls {request.KindCase}", failed ? new Status((StatusCode)reply.Error.Code, reply.Error.Message) : Status.DefaultSuccess);
                if (reply.KindCase == Proto.CallReply.KindOneofCase.StepBatch) CheckOutcomes(reply.StepBatch);
                if (reply.KindCase == Proto.CallReply.KindOneofCase.ResetBatch) CheckOutcomes(reply.ResetBatch);
                if (reply.KindCase == Proto.CallReply.KindOneofCase.Fork) Made(reply.Fork.SessionId);
                if (reply.KindCase == Proto.CallReply.KindOneofCase.EndSession && request.EndSession is { } ended) _live.Remove(ended.SessionId);
            }
            await calls.RequestStream.CompleteAsync();
            if (await calls.ResponseStream.MoveNext(CancellationToken.None)) Faults.Add("Calls: a reply after the last call");
        }

        private async Task Unary<T>(string name, Func<CallOptions, AsyncUnaryCall<T>> call, Action<T>? onReply = null, bool makes = false)
        {
            try
            {
                var reply = await call(Options(makes));
                Check(name, Status.DefaultSuccess);
                onReply?.Invoke(reply);
            }
            catch (RpcException e) { Check(name, e.Status); }
        }

        // Now and then a deadline short enough to pass while the request is served; not for calls
        // that make sessions, whose reply can arrive just past the deadline, so that the session
        // exists but its client never learns its id.
        private CallOptions Options(bool makes) =>
            !makes && random.Next(50) == 0 ? new CallOptions(deadline: DateTime.UtcNow.AddMilliseconds(random.Next(1, 60))) : new CallOptions();

        private void Check(string name, Status status)
        {
            Total++;
            if (status.StatusCode == StatusCode.OK) Succeeded++;
            string key = $"{name}:{status.StatusCode}";
            _statuses[key] = _statuses.GetValueOrDefault(key) + 1;
            if (status.StatusCode == StatusCode.Unknown) Faults.Add($"{name}: UNKNOWN {status.Detail}");
            if (status.StatusCode == StatusCode.Internal && status.Detail.Length == 0) Faults.Add($"{name}: INTERNAL without a message");
            // Short histories of accepted requests replay: a session that cannot be restored is the server's fault.
            if (status.StatusCode == StatusCode.Aborted) Faults.Add($"{name}: ABORTED {status.Detail}");
            if (status.Detail.Length > ErrorStatuses.MaxDetail) Faults.Add($"{name}: a message of {status.Detail.Length} characters");
        }

        private Proto.AddBenchmarkRequest AddBenchmark() => new()
        {
            Name = OneOf("fuzz", $"fuzz-{random.Next(5)}", "", "../escape", ".hidden", "a/b", Junk(), new string('n', 129)),
            Format = (Proto.ProgramFormat)random.Next(-1, 6),
            Program = random.Next(4) == 0 ? ByteString.CopyFrom(RandomBytes(random.Next(0, 256))) : ByteString.CopyFromUtf8(OneOf(s_programs)),
        };

        private Proto.StartSessionRequest StartSession()
        {
            var request = new Proto.StartSessionRequest
            {
                Benchmark = OneOf(s_goodBenchmarks),
                ObservationSpace = OneOf(["", .. _observations]),
                RewardSpace = OneOf(["", .. _rewards]),
            };
            if (request.Benchmark.StartsWith("benchmark://mlir", StringComparison.Ordinal)) request.ObservationSpace = request.RewardSpace = "";
            else request.Actions.AddRange(ActionNames(random.Next(3), valid: true));
            return Mutate(request,
                r => r.Benchmark = Benchmark(),
                r => r.ActionSpace = OneOf(spaces.DefaultActionSpace, "no-such-space", Junk(), Huge()),
                r => r.ObservationSpace = ObservationSpace(),
                r => r.RewardSpace = RewardSpace(),
                r => r.CustomActions.AddRange(Pipelines()),
                r => r.Actions.AddRange(ActionNames(random.Next(1, 4))));
        }

        private Proto.StepRequest Step()
        {
            var request = new Proto.StepRequest { SessionId = SessionId() };
            int count = random.Next(4);
            if (random.Next(2) == 0) request.ActionNames.AddRange(ActionNames(count, valid: true));
            else request.Actions.AddRange(Enumerable.Range(0, count).Select(_ => random.Next(_actions.Length)));
            if (random.Next(3) == 0) request.ObservationSpaces.Add(OneOf(_observations));
            if (random.Next(4) == 0) request.RewardSpaces.Add(OneOf(_rewards));
            return Mutate(request,
                r => r.SessionId = OneOf("", Junk(), Huge()),
                r => r.Actions.Add(OneOf(-1, int.MaxValue, int.MinValue, _actions.Length, 1 << 20)),
                r => r.ActionNames.AddRange(ActionNames(random.Next(1, 4))),
                r => r.Actions.AddRange(Enumerable.Range(0, random.Next(1, 3)).Select(_ => random.Next(_actions.Length))),
                r => r.ObservationSpaces.Add(ObservationSpace()),
                r => r.RewardSpaces.Add(RewardSpace()));
        }

        private Proto.StepBatchRequest StepBatch() => new() { Steps = { Batch(Step) } };

        private Proto.ResetBatchRequest ResetBatch() => new() { Resets = { Batch(Reset) } };

        // Requests for live, ended and made-up sessions, the same session now and then more than once.
        private List<T> Batch<T>(Func<T> request)
        {
            var batch = Enumerable.Range(0, random.Next(5)).Select(_ => request()).ToList();
            if (batch.Count > 0 && random.Next(4) == 0) batch.Add(batch[0]);
            return batch;
        }

        private void CheckOutcomes(Proto.StepBatchReply reply) => CheckOutcomes("StepBatch step", reply.Outcomes.Select(o => o.Error));

        private void CheckOutcomes(Proto.ResetBatchReply reply) => CheckOutcomes("ResetBatch reset", reply.Outcomes.Select(o => o.Error));

        // Each call of a batch is answered in its place (an error, or none), by the same rules as a call of its own.
        private void CheckOutcomes(string name, IEnumerable<Proto.CallError?> errors)
        {
            foreach (var error in errors)
                Check(name, error is null ? Status.DefaultSuccess : new Status((StatusCode)error.Code, error.Message));
        }

        private Proto.ResetRequest Reset()
        {
            var request = new Proto.ResetRequest { SessionId = SessionId() };
            if (random.Next(3) == 0) request.Benchmark = OneOf(s_goodBenchmarks);
            return Mutate(request,
                r => r.SessionId = OneOf("", Junk(), Huge()),
                r => r.Benchmark = Benchmark(),
                r => r.ActionSpace = OneOf(spaces.DefaultActionSpace, "no-such-space", Junk()),
                r => r.CustomActions.AddRange(Pipelines()),
                r => r.ObservationSpace = ObservationSpace(),
                r => r.RewardSpace = RewardSpace());
        }

        private Proto.ValidateRequest Validate()
        {
            if (random.Next(12) == 0) return new Proto.ValidateRequest();
            var state = new Proto.State { Benchmark = s_goodBenchmarks[0], ActionSpace = spaces.DefaultActionSpace };
            state.Actions.AddRange(ActionNames(random.Next(4), valid: true));
            var request = new Proto.ValidateRequest { State = state };
            return Mutate(request,
                r => r.State.Benchmark = Benchmark(),
                r => r.State.ActionSpace = OneOf("", "no-such-space", Junk()),
                r => r.State.Actions.AddRange(ActionNames(random.Next(1, 4))),
                r => r.State.CustomActions.AddRange(Pipelines()),
                r => r.State.RewardSpace = RewardSpace(),
                r => r.State.Reward = OneOf(double.NaN, double.PositiveInfinity, -1e300, random.NextDouble()),
                r => r.State.Walltime = OneOf(double.NaN, -1, double.MaxValue));
        }

        // Half the time the valid request as it is; else with one or two of the mutations applied.
        private T Mutate<T>(T request, params Action<T>[] mutations)
        {
            if (random.Next(2) == 0) return request;
            for (int i = random.Next(1, 3); i > 0; i--) OneOf(mutations)(request);
            return request;
        }

        // Mostly a live session; else one that has ended, or no session at all.
        private string SessionId() => random.Next(20) switch
        {
            < 16 when _live.Count > 0 => _live[random.Next(_live.Count)],
            < 18 when SessionsStarted.Count > 0 => SessionsStarted[random.Next(SessionsStarted.Count)],
            18 => OneOf("", Huge()),
            _ => Junk(),
        };

        private string Benchmark() => random.Next(10) switch
        {
            < 4 => OneOf(s_goodBenchmarks),
            4 => OneOf("benchmark://user-v0/fuzz", $"benchmark://user-v0/fuzz-{random.Next(5)}"),
            5 => Junk(),
            6 => Huge(),
            7 => "",
            _ => OneOf(s_badBenchmarks),
        };

        private string ObservationSpace() => random.Next(6) switch
        {
            < 3 => OneOf(_observations),
            3 => "",
            4 => "NoSuchSpace",
            _ => Junk(),
        };

        private string RewardSpace() => random.Next(5) switch
        {
            < 2 => OneOf(_rewards),
            2 => "",
            3 => "NoSuchReward",
            _ => Huge(),
        };

        private List<string> ActionNames(int count, bool valid = false) =>
            [.. Enumerable.Range(0, count).Select(_ => valid || random.Next(3) > 0 ? OneOf(_actions) : OneOf("", Junk(), Huge()))];

        private List<string> Pipelines() => [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(5) == 0 ? Junk() : OneOf(s_pipelines))];

        // Bit flips, a cut, inserted or repeated bytes, or bytes of no message at all.
        private byte[] Mutated(byte[] valid)
        {
            var bytes = new List<byte>(valid);
            switch (random.Next(6))
            {
                case 0:
                    return RandomBytes(random.Next(0, 64));
                case 1 when bytes.Count > 0:
                    for (int i = random.Next(1, 4); i > 0; i--) bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                case 2 when bytes.Count > 0:
                    int cut = random.Next(bytes.Count);
                    bytes.RemoveRange(cut, bytes.Count - cut);
                    break;
                case 3:
                    bytes.InsertRange(random.Next(bytes.Count + 1), RandomBytes(random.Next(1, 16)));
                    break;
                case 4 when bytes.Count > 0:
                    int from = random.Next(bytes.Count);
                    bytes.InsertRange(random.Next(bytes.Count + 1), bytes.GetRange(from, random.Next(1, bytes.Count - from + 1)));
                    break;
                default:
                    // Bytes past the end: a field of any tag and wire type, or one cut short.
                    bytes.AddRange(RandomBytes(random.Next(1, 12)));
                    break;
            }
            return [.. bytes];
        }

        private byte[] RandomBytes(int length)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            return bytes;
        }

        private string Junk()
        {
            var text = new StringBuilder();
            for (int i = random.Next(1, 40); i > 0; i--) text.Append(OneOf(s_junk));
            return text.ToString();
        }

        private string Huge() => new(OneOf('x', '/', 'é'), random.Next(1_000, 200_000));

        private T OneOf<T>(params T[] choices) => choices[random.Next(choices.Length)];
    }
}
