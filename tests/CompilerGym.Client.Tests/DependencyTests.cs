using System.Reflection;
using CompilerGym.Client;

namespace CompilerGym.Client.Tests;

public class DependencyTests
{
    /// <summary>A program that only talks to a server loads neither compiler: the client and everything it references are free of them.</summary>
    [Fact]
    public void The_client_references_no_compiler()
    {
        var seen = new HashSet<string>();
        var pending = new Queue<AssemblyName>([typeof(RemoteEnv).Assembly.GetName()]);
        while (pending.TryDequeue(out var name))
        {
            if (!name.Name!.StartsWith("CompilerGym.", StringComparison.Ordinal) || !seen.Add(name.Name)) continue;
            foreach (var reference in Assembly.Load(name).GetReferencedAssemblies()) pending.Enqueue(reference);
        }
        Assert.Equal(["CompilerGym.Client", "CompilerGym.Core", "CompilerGym.Protocol"], seen.Order());
    }
}
