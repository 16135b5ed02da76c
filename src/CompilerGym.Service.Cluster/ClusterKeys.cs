namespace CompilerGym.Service.Cluster;

/// <summary>The names of the cluster's own keys in Redis, under its cluster id.</summary>
public sealed class ClusterKeys(string clusterId)
{
    public string Upload(string name) => $"cgym:{clusterId}:upload:{name}";

    public string UploadPattern => $"cgym:{clusterId}:upload:*";

    public string Silo(string host) => $"cgym:{clusterId}:silo:{host}";

    public string Session(string id) => $"cgym:{clusterId}:session:{id}";

    public string SessionActions(string id) => $"cgym:{clusterId}:session:{id}:actions";

    public string SessionMadeBy(string requestId) => $"cgym:{clusterId}:made-by:{requestId}";

    public string SiloPattern => $"cgym:{clusterId}:silo:*";
}
