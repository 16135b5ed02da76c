using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CompilerGym.Agents.Policies;

/// <summary>
/// The PPO network: an actor (features → one logit per action) and a critic (features → the
/// state's value), separate two-layer tanh MLPs as in CleanRL's PPO. Orthogonal initialisation
/// with a small last actor layer starts the policy near uniform.
/// </summary>
public sealed class ActorCritic : nn.Module<Tensor, (Tensor Logits, Tensor Value)>
{
    private readonly Sequential _actor;
    private readonly Sequential _critic;

    // Before the first network's first tensor operation, so MKL starts in its reproducible mode.
    static ActorCritic() => TorchReproducibility.Ensure();

    public ActorCritic(int inputs, int actions, int hidden) : base(nameof(ActorCritic))
    {
        _actor = nn.Sequential(Layer(inputs, hidden, Math.Sqrt(2)), nn.Tanh(), Layer(hidden, hidden, Math.Sqrt(2)), nn.Tanh(),
            Layer(hidden, actions, 0.01));
        _critic = nn.Sequential(Layer(inputs, hidden, Math.Sqrt(2)), nn.Tanh(), Layer(hidden, hidden, Math.Sqrt(2)), nn.Tanh(),
            Layer(hidden, 1, 1.0));
        RegisterComponents();
    }

    public override (Tensor Logits, Tensor Value) forward(Tensor features) =>
        (_actor.forward(features), _critic.forward(features).squeeze(-1));

    /// <summary>The actor alone, for acting without training.</summary>
    public Tensor Logits(Tensor features) => _actor.forward(features);

    private static Linear Layer(int inputs, int outputs, double gain)
    {
        var layer = nn.Linear(inputs, outputs);
        using (no_grad())
        {
            nn.init.orthogonal_(layer.weight, gain);
            layer.bias!.zero_();
        }
        return layer;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _actor.Dispose();
            _critic.Dispose();
        }
        base.Dispose(disposing);
    }
}
