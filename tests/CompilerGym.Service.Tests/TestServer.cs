using CompilerGym.Protocol;
using CompilerGym.Service.Hosting;
using CompilerGym.Service.Sessions;
using CompilerGym.Service.Workers;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Proto = CompilerGym.Protocol.V1;

namespace CompilerGym.Service.Tests;

/// <summary>
/// A real server on a free loopback port, with real worker processes, for one test class or
/// collection. Its channel carries the server's token.
/// </summary>
public class TestServer : IAsyncLifetime
{
    /// <summary>
    /// The default token file of every server and client of this test process (child processes
    /// included): a temporary one, so that tests neither depend on nor change the user's own.
    /// </summary>
    public static string DefaultTokenFile { get; }

    static TestServer()
    {
        string folder = Directory.CreateTempSubdirectory("cgym-token-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        DefaultTokenFile = Path.Combine(folder, "token");
        Environment.SetEnvironmentVariable(TokenFile.PathVariable, DefaultTokenFile);
    }

    private readonly Dictionary<string, string?> _settings;
    private WebApplication? _app;
    private GrpcChannel? _channel;

    public TestServer() : this([]) { }

    protected TestServer(Dictionary<string, string?> settings)
    {
        UserBenchmarks = Directory.CreateTempSubdirectory("cgym-user-").FullName;
        // Sandboxed workers of a root service run as nobody, and read uploads from here.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(UserBenchmarks, (UnixFileMode)0b111_101_101);
        _settings = new()
        {
            ["Service:Port"] = "0",
            ["Service:UserBenchmarkDirectory"] = UserBenchmarks,
            ["Service:WarmWorkers"] = "1",
        };
        foreach (var (key, value) in settings) _settings[key] = value;
    }

    public string Address { get; private set; } = "";
    public string Token => _app!.Services.GetRequiredService<ServiceToken>().Value;
    public string UserBenchmarks { get; }
    public Proto.CompilerGym.CompilerGymClient Client { get; private set; } = null!;
    public GrpcChannel Channel => _channel!;
    public SessionManager Sessions => _app!.Services.GetRequiredService<SessionManager>();
    public WorkerPool Workers => _app!.Services.GetRequiredService<WorkerPool>();

    public async Task InitializeAsync()
    {
        _app = ServiceHost.Build([], _settings);
        await _app.StartAsync();
        Address = _app.Urls.Single();
        _channel = OpenChannel();
        Client = new Proto.CompilerGym.CompilerGymClient(_channel);
    }

    /// <summary>A channel whose every call carries the server's token; disposing it closes its connection.</summary>
    public GrpcChannel OpenChannel() => GrpcChannel.ForAddress(Address,
        new GrpcChannelOptions { MaxReceiveMessageSize = null, HttpHandler = new TokenHandler(Token), DisposeHttpClient = true });

    /// <summary>Stops the server as its host stops it, leaving the test's channel open.</summary>
    public Task StopAsync() => _app!.StopAsync();

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Directory.Delete(UserBenchmarks, recursive: true);
    }

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    private sealed class TokenHandler(string token) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation("authorization", $"Bearer {token}");
            return base.SendAsync(request, cancellationToken);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<TestServer>
{
    public const string Name = "server";
}
