using System.Text.Json;
using TorchSharp.Modules;

namespace CompilerGym.Agents.Policies;

/// <summary>
/// A saved PPO run, as a folder: the network's weights (<c>model.dat</c>, TorchSharp's format),
/// the optimizer's state (<c>optimizer.dat</c>, to resume training), and <c>checkpoint.json</c>:
/// the options, the action space with its action names, the feature encoding, the benchmarks
/// trained on, and how far the run had got (updates, environment steps and seconds of training). Everything a policy needs to act, and a run needs to continue.
/// </summary>
public sealed record PpoCheckpoint(
    PpoOptions Options,
    string ActionSpace,
    IReadOnlyList<string> Actions,
    string Features,
    int FeatureSize,
    IReadOnlyList<string> Benchmarks,
    int Update,
    long Steps,
    double Seconds)
{
    public const string ModelFile = "model.dat";
    public const string OptimizerFile = "optimizer.dat";
    public const string InfoFile = "checkpoint.json";

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public void Save(string folder, ActorCritic model, Adam optimizer)
    {
        Directory.CreateDirectory(folder);
        model.save(Path.Combine(folder, ModelFile));
        optimizer.save_state_dict(Path.Combine(folder, OptimizerFile));
        File.WriteAllText(Path.Combine(folder, InfoFile), JsonSerializer.Serialize(this, s_json));
    }

    /// <summary>Reads a checkpoint's description; throws a clear error for a folder that is not one.</summary>
    public static PpoCheckpoint Load(string folder)
    {
        string info = Path.Combine(folder, InfoFile);
        if (!File.Exists(info) || !File.Exists(Path.Combine(folder, ModelFile)))
            throw new IOException($"'{folder}' is not a PPO checkpoint: it needs {InfoFile} and {ModelFile}");
        PpoCheckpoint checkpoint;
        try
        {
            checkpoint = JsonSerializer.Deserialize<PpoCheckpoint>(File.ReadAllText(info), s_json)
                ?? throw new FormatException($"{info} is empty");
        }
        catch (JsonException e)
        {
            throw new FormatException($"malformed {info}: {e.Message}", e);
        }
        StateFeatures.Named(checkpoint.Features);
        return checkpoint;
    }

    /// <summary>The saved network.</summary>
    public ActorCritic LoadModel(string folder)
    {
        var model = new ActorCritic(FeatureSize, Actions.Count, Options.Hidden);
        model.load(Path.Combine(folder, ModelFile));
        return model;
    }

    /// <summary>Restores the optimizer's state (Adam's moments and step count) for resuming.</summary>
    public static void LoadOptimizer(string folder, Adam optimizer) =>
        optimizer.load_state_dict(Path.Combine(folder, OptimizerFile));
}
