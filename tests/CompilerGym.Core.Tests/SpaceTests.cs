using CompilerGym.Core.Rewards;
using CompilerGym.Core.Spaces;

namespace CompilerGym.Core.Tests;

public class SpaceTests
{
    [Fact]
    public void Discrete_space_knows_its_choices()
    {
        var space = Space.Discrete("passes", ["a", "b", "c"], "test");
        Assert.Equal(3, space.N);
        Assert.Equal(2, space.High);
        Assert.Equal(1, space.IndexOf("b"));
        Assert.Contains("'z' is not in space 'passes'", Assert.Throws<UnknownNameException>(() => space.IndexOf("z")).Message);
    }

    [Fact]
    public void Only_discrete_spaces_have_n()
    {
        var space = new Space("x", SpaceKind.Int64Scalar, [], 0, null, true, false, "test");
        Assert.Throws<InvalidOperationException>(() => space.N);
    }

    [Fact]
    public void Observations_print_and_convert()
    {
        Assert.Equal("[1, 2, 3]", new Observation.Int64Vector([1, 2, 3]).ToString());
        Assert.Equal("<4 bytes>", new Observation.Bytes([1, 2, 3, 4]).ToString());
        Assert.Equal(7, new Observation.Int64Scalar(7).AsDouble());
        Assert.Equal(new Observation.Int64Vector([1, 2]), new Observation.Int64Vector([1, 2]));
        Assert.Equal("[1,2]", new Observation.Int64Vector([1, 2]).ToJson().ToJsonString());
        Assert.Throws<InvalidOperationException>(() => new Observation.Text("x").AsDouble());
    }

    [Theory]
    [InlineData(RewardScale.None, 100, 90, 1000, 500, 10)]
    [InlineData(RewardScale.Initial, 100, 90, 1000, 500, 0.01)]
    [InlineData(RewardScale.Baseline, 100, 90, 1000, 500, 0.02)]
    // A baseline no better than the start must not flip or blow up the reward.
    [InlineData(RewardScale.Baseline, 100, 90, 1000, 1200, 10)]
    public void Cost_rewards_scale_as_compiler_gym_defines_them(RewardScale scale, double previous, double now, double initial, double baseline, double expected)
    {
        var reward = new CostReward("r", "cost", scale, "base", "test", false);
        Assert.Equal(expected, reward.Reward(previous, now, reward.Divisor(initial, baseline)), 12);
    }

    [Fact]
    public void Previous_measurements_start_from_the_episode_start_and_copies_are_independent()
    {
        var measurements = new PreviousMeasurements();
        Assert.Equal(100, measurements.Replace("r", 90, start: 100));
        Assert.Equal(90, measurements.Replace("r", 80, start: 100));
        Assert.Equal(7, measurements.Replace("other", 5, start: 7));

        var fork = measurements.Copy();
        Assert.Equal(80, fork.Replace("r", 70, start: 100));
        Assert.Equal(80, measurements.Replace("r", 60, start: 100));

        measurements.Clear();
        Assert.Equal(100, measurements.Replace("r", 50, start: 100));
        Assert.Equal(70, fork.Replace("r", 40, start: 100));
    }
}
