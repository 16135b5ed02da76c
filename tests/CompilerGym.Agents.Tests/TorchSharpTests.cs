using TorchSharp;
using static TorchSharp.torch;

namespace CompilerGym.Agents.Tests;

public class TorchSharpTests
{
    // Loads TorchSharp's native library (patched at build time, see native/README.md): fails (or
    // the test run aborts) if it does not load.
    [Fact]
    public void A_small_mlp_learns_xor_with_adam()
    {
        torch.random.manual_seed(7);
        using var inputs = torch.tensor(new float[] { 0, 0, 0, 1, 1, 0, 1, 1 }, [4, 2]);
        using var targets = torch.tensor(new float[] { 0, 1, 1, 0 }, [4, 1]);
        using var model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1));
        using var criterion = nn.BCEWithLogitsLoss();
        using var optimizer = optim.Adam(model.parameters(), lr: 0.05);

        float Loss()
        {
            using var _ = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            return criterion.forward(model.forward(inputs), targets).item<float>();
        }

        // No function linear in the inputs does better than ln 2 ≈ 0.69 on XOR, and a freshly
        // initialised net is close to linear there.
        const float threshold = 0.05f;
        float untrained = Loss();
        Assert.True(untrained > threshold, $"untrained loss {untrained}");

        for (int step = 0; step < 300; step++)
        {
            using var _ = torch.NewDisposeScope();
            optimizer.zero_grad();
            criterion.forward(model.forward(inputs), targets).backward();
            optimizer.step();
        }

        float trained = Loss();
        Assert.True(trained < threshold, $"loss {untrained} before training, {trained} after 300 Adam steps");
        using (torch.NewDisposeScope())
        {
            var predictions = model.forward(inputs).gt(0).to(ScalarType.Float32).data<float>().ToArray();
            Assert.Equal(new float[] { 0, 1, 1, 0 }, predictions);
        }
    }
}
