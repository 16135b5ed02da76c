using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CompilerGym.Core.Caching;
using CompilerGym.Core.Environments;
using CompilerGym.Environments;
using CompilerGym.Llvm.Tools;
using Google.Protobuf;
using Grpc.Core;
using Proto = CompilerGym.Protocol.V1;

// Sandboxes, file modes and Unix sockets: these tests are for Linux, as the service is.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace CompilerGym.Service.Tests;

/// <summary>
/// A world-readable secret and a folder to write into, both outside what the sandbox shows. Tests
/// try to reach them through the server, and show that the same attempt succeeds unconfined.
/// </summary>
public sealed class Outside : IDisposable
{
    public Outside()
    {
        // /var/tmp: neither the sandbox's /tmp nor any folder it binds.
        Folder = Path.Combine("/var/tmp", $"cgym-outside-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Folder);
        File.SetUnixFileMode(Folder, (UnixFileMode)0b111_111_111);
        Secret = Path.Combine(Folder, "secret.txt");
        File.WriteAllText(Secret, SecretText);
        File.SetUnixFileMode(Secret, (UnixFileMode)0b110_100_100);
    }

    public string Folder { get; }
    public string Secret { get; }
    public string SecretText { get; } = $"secret{Guid.NewGuid():N}";

    private readonly List<string> _programFolders = [];

    /// <summary>A fresh folder for a program, readable by the sandbox's user when it is bound; deleted with this, whatever the test's outcome.</summary>
    public string ProgramFolder()
    {
        string folder = Directory.CreateTempSubdirectory("cgym-sandbox-").FullName;
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        lock (_programFolders) _programFolders.Add(folder);
        return folder;
    }

    public void Dispose()
    {
        foreach (string folder in _programFolders.Append(Folder)) Directory.Delete(folder, recursive: true);
    }
}

public sealed class SandboxServer() : TestServer(new() { ["Service:WarmWorkers"] = "0" });

/// <summary>What a worker, clang and a run program can reach from inside the sandbox (files allowed: loopback).</summary>
public class SandboxTests(SandboxServer server, Outside _outside) : IClassFixture<SandboxServer>, IClassFixture<Outside>
{
    [Fact]
    public async Task A_run_program_can_read_no_secret_write_nothing_outside_its_temp_folder_and_reach_no_listener()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        string folder = _outside.ProgramFolder();
        string written = Path.Combine(_outside.Folder, "written"), beside = Path.Combine(folder, "written");
        // The cache's entries from the server user's own files are hidden too, though the cache is shown.
        string cached = Path.Combine(Cache.Root, Cache.PrivateFolder, $"probe-{Guid.NewGuid():N}.txt");
        File.WriteAllText(cached, _outside.SecretText);
        // Each probe that succeeds adds a second of run time (the channel a program has to the
        // observer) and sets a bit of the exit code (seen when it runs unconfined).
        string program = Path.Combine(folder, "probe.c");
        File.WriteAllText(program, $$"""
            #include <arpa/inet.h>
            #include <stdio.h>
            #include <sys/socket.h>
            #include <unistd.h>
            static int probes(void) {
              int found = 0;
              FILE *f = fopen("{{_outside.Secret}}", "r");
              if (f) { found |= 1; fclose(f); }
              f = fopen("{{written}}", "w");
              if (f) { found |= 2; fclose(f); }
              f = fopen("{{beside}}", "w");
              if (f) { found |= 4; fclose(f); }
              int s = socket(AF_INET, SOCK_STREAM, 0);
              struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons({{port}}) };
              a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
              if (s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0) found |= 8;
              f = fopen("{{cached}}", "r");
              if (f) { found |= 16; fclose(f); }
              return found;
            }
            int main(void) {
              int found = probes();
              if (found) sleep(1);
              return found;
            }
            """);

        var session = await server.Client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = $"file://{program}" });
        var runtime = await server.Client.StepAsync(new Proto.StepRequest { SessionId = session.SessionId, ObservationSpaces = { "Runtime" } });
        await server.Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = session.SessionId });
        Assert.True(runtime.Observations["Runtime"].Float64Scalar < 0.5, $"a probe succeeded: the run took {runtime.Observations["Runtime"].Float64Scalar} s");
        Assert.False(File.Exists(written));
        Assert.False(File.Exists(beside));
        Assert.False(listener.Pending());

        // Unconfined, every probe succeeds.
        string executable = Path.Combine(folder, "probe");
        Assert.Equal(0, ProcessRunner.Run(LlvmTools.Clang, [program, "-o", executable], TimeSpan.FromMinutes(1)).ExitCode);
        Assert.Equal(31, ProcessRunner.Run(executable, [], TimeSpan.FromMinutes(1)).ExitCode);
        File.Delete(cached);
        Assert.True(listener.Pending());
    }

    [Fact]
    public async Task Clang_cannot_read_a_secret_through_a_header_its_program_links_to()
    {
        // The include is of a file beside the program, so the check of what a program reads lets it
        // through: only the sandbox, where the link leads nowhere, stops it.
        string folder = _outside.ProgramFolder();
        string program = Path.Combine(folder, "leak.c");
        File.WriteAllText(program, "#include \"secret-link.h\"\nint main(void) { return 0; }\n");
        File.CreateSymbolicLink(Path.Combine(folder, "secret-link.h"), _outside.Secret);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.Client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = $"file://{program}" }));
        Assert.Contains("secret-link.h", error.Status.Detail);
        Assert.DoesNotContain(_outside.SecretText, error.Status.Detail);

        // Unconfined, clang reads the secret and quotes it in its error.
        var unconfined = Assert.ThrowsAny<Exception>(() => LlvmTools.CompileC(program, Path.Combine(folder, "leak.bc"), null));
        Assert.Contains(_outside.SecretText, unconfined.Message);
    }

    [Fact]
    public async Task A_worker_cannot_assemble_a_secret_into_a_program_or_write_files_named_by_its_functions()
    {
        string folder = _outside.ProgramFolder();
        string module = Path.Combine(folder, "incbin.ll");
        // The assembler reads .incbin files when the worker emits object code; the dot-cfg pass
        // writes .<function>.dot into the working folder, and a function's name can lead out of it.
        string dot = Path.Combine(_outside.Folder, "cfg.dot");
        string function = $"\"/{string.Concat(Enumerable.Repeat("../", 30))}{dot[1..^4]}\"";
        File.WriteAllText(module, $$"""
            module asm ".incbin \22{{_outside.Secret}}\22"
            define i32 @{{function}}(i32 %x) {
              %y = add i32 %x, 1
              ret i32 %y
            }
            """);
        string uri = $"file://{module}";
        var start = new Proto.StartSessionRequest { Benchmark = uri, CustomActions = { "function(dot-cfg)" } };

        var session = await server.Client.StartSessionAsync(start);
        await server.Client.StepAsync(new Proto.StepRequest { SessionId = session.SessionId, Actions = { 0 } });
        // Where the file cannot be read, the assembler either fails or leaves it out.
        long? confined = null;
        try
        {
            var step = await server.Client.StepAsync(new Proto.StepRequest { SessionId = session.SessionId, ObservationSpaces = { "ObjectTextSizeBytes" } });
            confined = step.Observations["ObjectTextSizeBytes"].Int64Scalar;
        }
        catch (RpcException e) { Assert.DoesNotContain(_outside.SecretText, e.Status.Detail); }
        await server.Client.EndSessionAsync(new Proto.EndSessionRequest { SessionId = session.SessionId });
        Assert.False(File.Exists(dot));
        Assert.Equal(["incbin.ll"], Directory.GetFiles(folder).Select(Path.GetFileName));

        // Unconfined, the pass writes the file and the object code holds the secret.
        using var env = Registrations.Default.For(uri).Make(new EnvSettings());
        env.Reset(uri, new Core.Envs.ResetOptions(CustomActions: ["function(dot-cfg)"]));
        env.Step([0]);
        Assert.True(File.Exists(dot));
        File.Delete(dot);
        var observed = env.Step([], new Core.Envs.StepOptions(["ObjectTextSizeBytes"], [])).Info.Observations["ObjectTextSizeBytes"];
        long unconfined = Assert.IsType<Core.Spaces.Observation.Int64Scalar>(observed).Value;
        Assert.True(confined is null || confined <= unconfined - _outside.SecretText.Length, $"text: {confined} confined, {unconfined} not");
    }
}

/// <summary>What a session may name is shown to its worker alone, and never the whole file system.</summary>
public class SandboxViewTests(SandboxServer server) : IClassFixture<SandboxServer>
{
    [Fact]
    public async Task The_root_folder_is_refused_as_a_benchmark_before_any_worker_starts()
    {
        int workers = server.Workers.LiveCount;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await server.Client.StartSessionAsync(new Proto.StartSessionRequest { Benchmark = "file:///" }));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("root folder", error.Status.Detail);
        Assert.Equal(workers, server.Workers.LiveCount);
    }
}

/// <summary>Uploads, on a server that opens no files for clients: what the compiler reads is checked, and confined.</summary>
public class SandboxedUploadTests(ClosedFilesServer server, Outside _outside) : IClassFixture<ClosedFilesServer>, IClassFixture<Outside>
{
    [Theory]
    [InlineData("const unsigned char d[] = {\n#embed \"{0}\"\n, 0};\nint main(void) { return d[0]; }\n")]
    [InlineData("#include \"{0}\"\nint main(void) { return 0; }\n")]
    [InlineData("#define HEADER \"../../../../../../..{0}\"\n#include HEADER\nint main(void) { return 0; }\n")]
    public async Task An_uploaded_program_that_includes_or_embeds_a_file_is_refused_without_its_content(string source)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await server.Client.AddBenchmarkAsync(new Proto.AddBenchmarkRequest
        {
            Name = $"leak-{Guid.NewGuid():N}",
            Format = Proto.ProgramFormat.C,
            Program = ByteString.CopyFromUtf8(source.Replace("{0}", _outside.Secret)),
        }));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.DoesNotContain(_outside.SecretText, error.Status.Detail);
    }

    [Fact]
    public void The_check_of_what_a_program_reads_refuses_files_outside_its_folder_even_unconfined()
    {
        string folder = _outside.ProgramFolder();
        string program = Path.Combine(folder, "embed.c");
        File.WriteAllText(program, $"const unsigned char d[] = {{\n#embed \"{_outside.Secret}\"\n, 0}};\nint main(void) {{ return d[0]; }}\n");
        var error = Assert.Throws<Llvm.LlvmException>(() => LlvmTools.CheckReads(program, null, folder));
        Assert.Contains($"reads {_outside.Secret}", error.Message);
        File.WriteAllText(program, "#include <stdio.h>\n#include \"own.h\"\nint main(void) { return ANSWER; }\n");
        File.WriteAllText(Path.Combine(folder, "own.h"), "#define ANSWER 0\n");
        LlvmTools.CheckReads(program, null, folder);
        Assert.Throws<Llvm.LlvmException>(() => LlvmTools.CheckReads(program, null, null));
    }

    [Fact]
    public async Task Passes_that_write_files_are_refused()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await server.Client.StartSessionAsync(new Proto.StartSessionRequest
        {
            Benchmark = "benchmark://builtin-v0/crc32", CustomActions = { "function(dot-cfg)" },
        }));
        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("'dot-cfg'", error.Status.Detail);
    }
}
