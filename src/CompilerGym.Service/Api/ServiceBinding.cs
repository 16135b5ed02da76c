using CompilerGym.Service.Hosting;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;

namespace CompilerGym.Service.Api;

/// <summary>
/// Binds each method of the contract to <see cref="CompilerGymService"/>'s method of the same name,
/// with a request parser that answers a malformed message with INVALID_ARGUMENT. grpc-dotnet parses
/// a request before any interceptor sees it and answers a parser's exception with UNKNOWN; the
/// generated base class would bind the plain parsers, so the service does not derive from it.
/// </summary>
public sealed class ServiceBinding(ErrorStatuses statuses) : IServiceMethodProvider<CompilerGymService>
{
    private static readonly object[] s_post = [new HttpMethodMetadata(["POST"])];

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<CompilerGymService> context) =>
        Protocol.V1.CompilerGym.BindService(new Binder(context, statuses), null);

    private sealed class Binder(ServiceMethodProviderContext<CompilerGymService> context, ErrorStatuses statuses) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(Checked(method), s_post,
                Handler<UnaryServerMethod<CompilerGymService, TRequest, TResponse>>(method, typeof(TRequest), typeof(ServerCallContext)));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(Checked(method), s_post,
                Handler<DuplexStreamingServerMethod<CompilerGymService, TRequest, TResponse>>(method,
                    typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)));

        private Method<TRequest, TResponse> Checked<TRequest, TResponse>(Method<TRequest, TResponse> method) where TRequest : class where TResponse : class
        {
            var parse = method.RequestMarshaller.ContextualDeserializer;
            var parser = Marshallers.Create(method.RequestMarshaller.ContextualSerializer, payload =>
            {
                try { return parse(payload); }
                catch (InvalidProtocolBufferException e) { throw statuses.Malformed(method.FullName, typeof(TRequest), e); }
            });
            return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, parser, method.ResponseMarshaller);
        }

        // The service's method as a delegate taking the service instance of each call; a contract
        // method the service lacks stops the server at start.
        private static TDelegate Handler<TDelegate>(IMethod method, params Type[] parameters) where TDelegate : Delegate =>
            (TDelegate)Delegate.CreateDelegate(typeof(TDelegate),
                typeof(CompilerGymService).GetMethod(method.Name, parameters)
                ?? throw new InvalidOperationException($"{nameof(CompilerGymService)} has no method for {method.FullName}"));
    }
}
