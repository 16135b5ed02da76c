using System.Diagnostics;
using CompilerGym.Client;
using CompilerGym.Core.Envs;
using CompilerGym.Service.Workers;
using CompilerGym.Llvm.Actions;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Llvm.Env;
using CompilerGym.Llvm.Features;
using CompilerGym.Llvm.Tools;
using Spectre.Console;

namespace CompilerGym.Benchmarks.Measurements;

/// <summary>
/// The same random action sequences, one step at a time, through: the bare LLVMRunPasses call (the
/// physical limit), the in-process environment (a step plus the IrInstructionCount observation),
/// the remote environment through a server on loopback (the same), and opt-22 run as a subprocess
/// per step plus an instruction count (what many research environments do). Each is reported as a
/// ratio to the bare call, measured in the same run.
/// </summary>
internal static class SideBySide
{
    public static void Run(string benchmark, int episodes, int length, int seed, int subprocessEpisodes)
    {
        var space = LlvmActionSpace.Get(LlvmActionSpace.Passes);
        var sequences = RandomEpisodes.Make(space, episodes, length, seed);
        var target = BenchmarkStore.Default.Get(benchmark);
        Console.WriteLine($"{target.Uri}: {episodes} episodes of {length} random {space.Name} actions (seed {seed})");

        using var server = new LocalServer();
        // Warm up every path once, so that start-up costs do not count.
        Bare(target, sequences.Take(1));
        InProcess(target, sequences.Take(1));
        Remote(server.Address, target, sequences.Take(1));

        var bare = Bare(target, sequences);
        var env = InProcess(target, sequences);
        var remote = Remote(server.Address, target, sequences);
        var subprocess = Subprocess(target, sequences.Take(subprocessEpisodes));

        var table = new Table().Border(TableBorder.Simple);
        foreach (var c in new[] { "method", "steps", "mean µs/step", "median µs/step", "p90 µs/step", "ratio to bare (mean)" }) table.AddColumn(c);
        void Row(string name, Stats s) => table.AddRow(name, s.Count.ToString(), s.Mean.ToString("F1"), s.Median.ToString("F1"),
            s.P90.ToString("F1"), (s.Mean / bare.Mean).ToString("F2"));
        Row("(d) bare LLVMRunPasses", bare);
        Row("(a) in-process env step + IrInstructionCount", env);
        Row("(b) remote env step + IrInstructionCount (loopback)", remote);
        Row($"(c) opt-22 subprocess + count ({subprocessEpisodes} episodes)", subprocess);
        AnsiConsole.Write(table);
        Console.WriteLine($"in-process overhead beyond the pass: {env.Mean - bare.Mean:F1} µs/step mean, {env.Median - bare.Median:F1} µs/step median");
        Console.WriteLine($"remote overhead beyond the in-process step: {remote.Mean - env.Mean:F1} µs/step mean, {remote.Median - env.Median:F1} µs/step median");
        var floor = RemoteFloor(server.Address, target);
        Console.WriteLine("where remote time goes (median µs): " +
            $"a unary call the server answers alone {floor.Unary.Median:F1}; " +
            $"a call on the stream the server answers alone (an empty batch) {floor.Stream.Median:F1}; " +
            $"the worker channel alone (a request the worker answers at once) {floor.Channel.Median:F1}; " +
            $"a step without actions (stream + session + worker round trip, cached observation) {floor.RoundTrip.Median:F1}");
        Console.WriteLine($"remote overhead beyond the in-process step, over the stream's own floor: {remote.Median - env.Median - floor.Stream.Median:F1} µs median");
    }

    private static Stats Bare(LlvmBenchmark target, IEnumerable<LlvmAction[]> sequences)
    {
        var times = new List<double>();
        using var machine = new TargetMachine(target.TargetTriple);
        foreach (var sequence in sequences)
        {
            using var module = target.Load();
            foreach (var action in sequence)
            {
                long start = Stopwatch.GetTimestamp();
                machine.RunPassesBare(module, action.Pipeline);
                times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }
        return Stats.Of(times);
    }

    private static Stats InProcess(LlvmBenchmark target, IEnumerable<LlvmAction[]> sequences)
    {
        using var env = new LlvmEnv(observationSpace: "IrInstructionCount");
        return Steps(env, target, sequences);
    }

    private static Stats Remote(string address, LlvmBenchmark target, IEnumerable<LlvmAction[]> sequences)
    {
        using var env = new RemoteEnv(address, observationSpace: "IrInstructionCount");
        return Steps(env, target, sequences);
    }

    // Each step of the sequences, timed alone; a reset (untimed) before each sequence.
    private static Stats Steps(ICompilerEnv env, LlvmBenchmark target, IEnumerable<LlvmAction[]> sequences)
    {
        var times = new List<double>();
        foreach (var sequence in sequences)
        {
            env.Reset(target.Uri);
            foreach (var action in sequence)
            {
                long start = Stopwatch.GetTimestamp();
                env.Step(action.Id);
                times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }
        return Stats.Of(times);
    }

    private sealed record Floors(Stats Unary, Stats Stream, Stats Channel, Stats RoundTrip);

    // The floors under a remote step: calls the front end answers itself (unary, and on the stream
    // of calls a remote env steps on), and a call through the worker that computes nothing.
    private static Floors RemoteFloor(string address, LlvmBenchmark target)
    {
        const int Calls = 2000;
        var channelTimes = new List<double>();
        using (var worker = WorkerProcess.StartAsync(WorkerLaunch.Beside(Path.GetTempPath(), []), TimeSpan.FromMinutes(1),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).GetAwaiter().GetResult())
        {
            var request = new Protocol.Worker.WorkerRequest { Session = "none", State = new Protocol.V1.GetStateRequest() };
            for (int i = 0; i < Calls; i++)
            {
                long start = Stopwatch.GetTimestamp();
                worker.CallAsync(request, TimeSpan.FromMinutes(1), long.MaxValue).GetAwaiter().GetResult();
                channelTimes.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }
        }
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(address);
        var client = new Protocol.V1.CompilerGym.CompilerGymClient(channel);
        var headers = new Grpc.Core.Metadata { { "authorization", $"Bearer {Protocol.TokenFile.DefaultTokenFor(new Uri(address))}" } };
        using var stream = client.Calls(headers);
        var emptyBatch = new Protocol.V1.CallRequest { StepBatch = new Protocol.V1.StepBatchRequest() };
        using var env = new RemoteEnv(address, observationSpace: "IrInstructionCount");
        env.Reset(target.Uri);
        List<double> unary = [], onStream = [], roundTrip = [];
        for (int i = 0; i < Calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            client.GetVersion(new Protocol.V1.GetVersionRequest(), headers);
            unary.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            start = Stopwatch.GetTimestamp();
            stream.RequestStream.WriteAsync(emptyBatch).GetAwaiter().GetResult();
            stream.ResponseStream.MoveNext(CancellationToken.None).GetAwaiter().GetResult();
            onStream.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            start = Stopwatch.GetTimestamp();
            env.Step([]);
            roundTrip.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
        stream.RequestStream.CompleteAsync().GetAwaiter().GetResult();
        return new Floors(Stats.Of(unary), Stats.Of(onStream), Stats.Of(channelTimes), Stats.Of(roundTrip));
    }

    private static Stats Subprocess(LlvmBenchmark target, IEnumerable<LlvmAction[]> sequences)
    {
        var times = new List<double>();
        string dir = Directory.CreateTempSubdirectory("cgym-side-").FullName;
        try
        {
            foreach (var sequence in sequences)
            {
                string current = Path.Combine(dir, "0.bc");
                File.Copy(target.BitcodePath, current, overwrite: true);
                for (int i = 0; i < sequence.Length; i++)
                {
                    string next = Path.Combine(dir, $"{i + 1}.bc");
                    long start = Stopwatch.GetTimestamp();
                    var opt = ProcessRunner.Run(LlvmTools.Opt, [$"-passes={sequence[i].Pipeline}", current, "-o", next], TimeSpan.FromMinutes(1));
                    if (opt.ExitCode != 0) throw new InvalidOperationException($"opt-22 failed on {sequence[i].Name}: {opt.Stderr}");
                    using (var module = LlvmModule.ParseBitcode(File.ReadAllBytes(next), next)) InstCount.InstructionCount(module);
                    times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                    current = next;
                }
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
        return Stats.Of(times);
    }
}
