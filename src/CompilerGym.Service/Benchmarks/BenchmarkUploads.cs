using System.Text;
using CompilerGym.Llvm.Core;
using CompilerGym.Llvm.Datasets;
using CompilerGym.Protocol.V1;
using CompilerGym.Protocol.Worker;
using CompilerGym.Service.Hosting;
using CompilerGym.Service.Workers;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace CompilerGym.Service.Benchmarks;

/// <summary>
/// Accepts uploaded programs. A program is checked in a worker (parsed, verified, compiled when
/// it is C) before it is published under its name, so a malformed upload costs nothing but an
/// error, and a name once published always means the same program. The programs kept take at most
/// <see cref="ServiceOptions.MaxUploadMiB"/> together; the same program sent again under its name is free.
/// With a replica (a cluster's store), a name means one program across the cluster.
/// </summary>
public sealed class BenchmarkUploads(UserBenchmarks user, OneOffJobs jobs, IOptions<ServiceOptions> options, IUploadReplica? replica = null)
{
    private readonly SemaphoreSlim _publish = new(1, 1);
    private readonly long _quotaBytes = options.Value.MaxUploadBytes;

    public async Task<AddBenchmarkReply> AddAsync(AddBenchmarkRequest request, CancellationToken cancellation = default)
    {
        if (!UserDataset.IsValidName(request.Name))
            throw Invalid($"benchmark name '{request.Name}' must be 1-128 letters, digits, '-', '_' or '.', not starting with '.'");
        if (request.Program.IsEmpty) throw Invalid("the uploaded program is empty");
        string extension = ExtensionOf(request.Format, request.Program.Span);
        string uri = $"benchmark://{UserDataset.DatasetName}/{request.Name}";
        // A program published under this name elsewhere in the cluster is compared as a local one.
        if (replica is not null && user.Dataset.FileOf(request.Name) is null) await replica.FetchAsync(request.Name, user.Directory);
        // Refused before it costs a check; checked again when published, since others may publish meanwhile.
        if (user.Dataset.FileOf(request.Name) is null) CheckQuota(request.Program.Length);

        string staging = Path.Combine(user.Directory, ".staging");
        Directory.CreateDirectory(staging);
        string staged = Path.Combine(staging, $"{request.Name}-{Guid.NewGuid():N}{extension}");
        await File.WriteAllBytesAsync(staged, request.Program.Memory.ToArray());
        try
        {
            var check = await jobs.RunAsync(new WorkerRequest { CheckProgram = new CheckProgramRequest { Path = staged, Uri = uri } },
                $"checking the uploaded program {request.Name}", cancellation: cancellation);
            await _publish.WaitAsync();
            try
            {
                if (user.Dataset.FileOf(request.Name) is { } existing)
                {
                    bool same = Path.GetExtension(existing) == extension && (await File.ReadAllBytesAsync(existing)).AsSpan().SequenceEqual(request.Program.Span);
                    if (!same) throw new RpcException(new Status(StatusCode.AlreadyExists, $"{uri} exists and holds another program; choose another name"));
                }
                else
                {
                    CheckQuota(request.Program.Length);
                    if (replica is not null && !await replica.PublishAsync(request.Name + extension, request.Program.Memory))
                        throw new RpcException(new Status(StatusCode.AlreadyExists, $"{uri} was just published elsewhere in the cluster with another program; choose another name"));
                    File.Move(staged, Path.Combine(user.Directory, request.Name + extension));
                }
            }
            finally { _publish.Release(); }
            return new AddBenchmarkReply { Benchmark = uri, IrInstructionCount = check.CheckProgram.IrInstructionCount };
        }
        finally
        {
            File.Delete(staged);
        }
    }

    private void CheckQuota(long adding)
    {
        long kept = !Directory.Exists(user.Directory) ? 0 : new DirectoryInfo(user.Directory).EnumerateFiles()
            .Where(f => UserDataset.Extensions.Contains(f.Extension)).Sum(f => f.Length);
        if (kept + adding > _quotaBytes)
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"the uploaded programs kept here take {kept} bytes; {adding} more would pass their limit of {_quotaBytes >> 20} MiB (Service:MaxUploadMiB)"));
    }

    private static string ExtensionOf(ProgramFormat format, ReadOnlySpan<byte> program) => format switch
    {
        ProgramFormat.Bitcode => ".bc",
        ProgramFormat.Ir => ".ll",
        ProgramFormat.C => ".c",
        _ when LlvmModule.IsBitcode(program) => ".bc",
        _ when LooksLikeIr(program) => ".ll",
        _ => ".c",
    };

    private static bool LooksLikeIr(ReadOnlySpan<byte> data)
    {
        string head = Encoding.UTF8.GetString(data[..Math.Min(data.Length, 4096)]);
        return head.Contains("; ModuleID") || head.Contains("\ndefine ") || head.StartsWith("define ") || head.Contains("target datalayout");
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
